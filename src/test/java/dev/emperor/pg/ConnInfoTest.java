package dev.emperor.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConnInfoTest {

    @Test
    void keywordFormWithQuotingAndEscapes() {
        ConnInfo c = ConnInfo.parse("host=db1 port = 5433 dbname=fleet user=emp password='s e\\'cr;et' sslmode=require");
        assertEquals(Map.of("host", "db1", "port", "5433", "dbname", "fleet", "user", "emp", "password", "s e'cr;et",
                "sslmode", "require"), c.params());
        assertEquals("host=db1 port=5433 dbname=fleet user=emp password=**** sslmode=require", c.redacted());
        assertFalse(c.redacted().contains("cr;et"));
    }

    @Test
    void uriFormDecodedAndMasked() {
        ConnInfo c = ConnInfo.parse("postgresql://emp:p%40ss@db1:5433,db2/fle%20et?sslmode=verify-full&application_name=x");
        assertEquals("emp", c.get("user"));
        assertEquals("p@ss", c.get("password"));
        assertEquals("db1,db2", c.get("host"));
        assertEquals("5433,", c.get("port"));
        assertEquals("fle et", c.get("dbname"));
        assertEquals("verify-full", c.get("sslmode"));
        assertEquals("postgresql://emp:****@db1:5433,db2/fle%20et?sslmode=verify-full&application_name=x", c.redacted());
    }

    @Test
    void passwordAsUriParameterIsMaskedToo() {
        ConnInfo c = ConnInfo.parse("postgres://db1/fleet?user=u&password=topsecret");
        assertEquals("topsecret", c.password());
        assertEquals("postgres://db1/fleet?user=u&password=****", c.redacted());
        assertEquals("auth failed for **** at db1", c.scrub("auth failed for topsecret at db1"));
    }

    @Test
    void malformedStringsAreRefusedWithoutEchoingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConnInfo.parse("host=a password"));
        assertTrue(e.getMessage().contains("missing \"=\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConnInfo.parse("password='unterminated secret"));
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void argumentSplitsAtTheFirstSemicolonAsEmperorPg() {
        PgArgument a = PgArgument.parse("pg://host=h password=pw;SELECT name,config,ts FROM v WHERE host='x;y'");
        assertEquals("SELECT name,config,ts FROM v WHERE host='x;y'", a.query());
        assertEquals("pg://host=h password=****;SELECT name,config,ts FROM v WHERE host='x;y'", a.redacted());
        PgArgument d = PgArgument.parse("pg://host=h");
        assertEquals(PgArgument.DEFAULT_QUERY, d.query());
        assertEquals("pg://host=h", d.redacted());
    }

    @Test
    void jdbcTargetFromKeywordsAndEnvironment() {
        ConnInfo c = ConnInfo.parse("host=10.0.0.5 dbname=fleet user=emp password=pw connect_timeout=3 application_name=e1");
        JdbcTarget t = JdbcTarget.of(c, k -> null);
        assertEquals("jdbc:postgresql://10.0.0.5:5432/fleet", t.url());
        assertEquals("emp", t.properties().getProperty("user"));
        assertEquals("pw", t.properties().getProperty("password"));
        assertEquals("3", t.properties().getProperty("connectTimeout"));
        assertEquals("e1", t.properties().getProperty("ApplicationName"));
        assertFalse(t.url().contains("pw"));

        JdbcTarget fromEnv = JdbcTarget.of(ConnInfo.parse(""), Map.of("PGHOST", "db9", "PGPORT", "6000", "PGUSER", "u",
                "PGSSLMODE", "require")::get);
        assertEquals("jdbc:postgresql://db9:6000/u", fromEnv.url());
        assertEquals("require", fromEnv.properties().getProperty("sslmode"));
        assertNull(fromEnv.properties().getProperty("password"), "no password: pgjdbc then reads PGPASSFILE or ~/.pgpass");
        assertEquals(JdbcTarget.DEFAULT_CONNECT_TIMEOUT, fromEnv.properties().getProperty("connectTimeout"));
    }

    /** pgjdbc takes libpq's TLS keywords under the same names, file paths (PEM root certificate) included. */
    @Test
    void jdbcTargetPassesTheTlsKeywords() {
        JdbcTarget t = JdbcTarget.of(ConnInfo.parse("host=127.0.0.1 sslmode=verify-full sslrootcert='/etc/pg tls/root.crt'"
                + " sslcert=/c/client.crt sslkey=/c/client.pk8 sslpassword=kp"), k -> null);
        assertEquals("verify-full", t.properties().getProperty("sslmode"));
        assertEquals("/etc/pg tls/root.crt", t.properties().getProperty("sslrootcert"));
        assertEquals("/c/client.crt", t.properties().getProperty("sslcert"));
        assertEquals("/c/client.pk8", t.properties().getProperty("sslkey"));
        assertEquals("kp", t.properties().getProperty("sslpassword"));
        assertEquals("jdbc:postgresql://127.0.0.1:5432/" + System.getProperty("user.name"), t.url(), "nothing of TLS in the URL");
        assertEquals("disable", JdbcTarget.of(ConnInfo.parse("postgresql://h/d?sslmode=disable"), k -> null)
                .properties().getProperty("sslmode"));
    }

    @Test
    void jdbcTargetMultiHostAndRefusals() {
        assertEquals("jdbc:postgresql://a:1,b:2/d",
                JdbcTarget.of(ConnInfo.parse("postgresql://a:1,b:2/d?target_session_attrs=read-write"), k -> null).url());
        IllegalArgumentException unix = assertThrows(IllegalArgumentException.class,
                () -> JdbcTarget.of(ConnInfo.parse("host=/var/run/postgresql"), k -> null));
        assertTrue(unix.getMessage().contains("UNIX-socket"), unix.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> JdbcTarget.of(ConnInfo.parse("host=a frobnicate=secretvalue"), k -> null));
        assertTrue(unknown.getMessage().contains("frobnicate") && !unknown.getMessage().contains("secretvalue"));
    }
}
