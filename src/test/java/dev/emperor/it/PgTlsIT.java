package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code sslmode} and {@code sslrootcert} in the pg:// connection string, against a PostgreSQL that speaks TLS
 * with a throwaway self-signed certificate and rejects every TCP connection without it
 * ({@link TempPostgres#startTlsOnly}): a monitor that did not use TLS would never see a row. The same class runs
 * against {@code uwsgi --emperor pg://...} (-Demperor.impl=uwsgi), whose libpq takes the same keywords;
 * only the wording of the failure line differs.
 */
@Timeout(120)
class PgTlsIT {
    private static TempPostgres pg;

    @BeforeAll
    static void database() throws Exception {
        pg = TempPostgres.startTlsOnly("tls");
    }

    @AfterAll
    static void stopDatabase() {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void emptyTable() {
        pg.sql("DELETE FROM vassals");
    }

    private static TempEmperor.Builder emperor(String name, String sslOptions) {
        return TempEmperor.prepare(name).option("plugins", "emperor_pg")
                .add("emperor", "pg://" + pg.conninfo() + " " + sslOptions);
    }

    /** The premise of the failure cases: this server refuses a client that does not use TLS. */
    @Test
    void theServerRefusesPlainConnections() {
        Properties p = new Properties();
        p.setProperty("user", TempPostgres.USER);
        p.setProperty("password", pg.password());
        p.setProperty("sslmode", "disable");
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + TempPostgres.DB, p).close());
        assertTrue(e.getMessage().contains("no encryption"), e.getMessage());
    }

    @Test
    void sslmodeRequireReachesTheRows() throws Exception {
        int port = Ports.free();
        try (TempEmperor e = emperor("pg-tls-require", "sslmode=require").build()) {
            e.start();
            pg.sql(PgFleet.insert("app1.ini", PgFleet.config(e, "app1", port)));
            e.awaitAnswer(port, "app1", PgFleet.UP);
        }
    }

    /** Without TLS the server says no: a failed look, logged without the password; the Emperor carries on. */
    @Test
    void sslmodeDisableIsRefusedAndTheEmperorCarriesOn() throws Exception {
        int port = Ports.free();
        int filePort = Ports.free();
        try (TempEmperor e = emperor("pg-tls-disable", "sslmode=disable").build()) {
            e.start();
            pg.sql(PgFleet.insert("app1.ini", PgFleet.config(e, "app1", port)));
            String line = e.awaitLog(e.impl() == Impl.UWSGI ? "libpq-error.*no encryption"
                    : "monitor pg://.*sslmode=disable.*cannot connect: .*no encryption.*vassals kept as they are", PgFleet.UP);
            assertFalse(line.contains(pg.password()), line);
            // the Emperor still runs its other monitor: a file vassal put there now comes up
            Vassals.python("file1", filePort).writeTo(e);
            e.awaitAnswer(filePort, "file1", PgFleet.UP);
            e.holds(Duration.ofSeconds(3), "the Emperor runs and the row's vassal does not",
                    () -> e.isRunning() && Http.tryGet(port).isEmpty());
            assertFalse(String.join("\n", e.log().lines(0)).contains(pg.password()), "no password in the log");
        }
    }

    /** verify-full: the certificate chains to sslrootcert (a PEM file) and names 127.0.0.1. */
    @Test
    void sslmodeVerifyFullWithTheServersRootCert() throws Exception {
        int port = Ports.free();
        try (TempEmperor e = emperor("pg-tls-verify", "sslmode=verify-full sslrootcert=" + pg.serverCert()).build()) {
            e.start();
            pg.sql(PgFleet.insert("app1.ini", PgFleet.config(e, "app1", port)));
            e.awaitAnswer(port, "app1", PgFleet.UP);
        }
    }

    /** verify-full against a root that did not sign the server's certificate: refused by the client. */
    @Test
    void sslmodeVerifyFullWithAnUnrelatedRootIsRefused() throws Exception {
        int port = Ports.free();
        try (TempEmperor e = emperor("pg-tls-wrong-root", "sslmode=verify-full sslrootcert=" + pg.unrelatedCert()).build()) {
            e.start();
            pg.sql(PgFleet.insert("app1.ini", PgFleet.config(e, "app1", port)));
            String line = e.awaitLog(e.impl() == Impl.UWSGI ? "libpq-error.*certificate verify failed"
                    : "monitor pg://.*cannot connect: .*vassals kept as they are", PgFleet.UP);
            assertFalse(line.contains(pg.password()), line);
            e.holds(Duration.ofSeconds(3), "the Emperor runs and the row's vassal does not",
                    () -> e.isRunning() && Http.tryGet(port).isEmpty());
        }
    }
}
