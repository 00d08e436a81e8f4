package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code emperor = pg://CONNINFO;QUERY} against a real PostgreSQL ({@link TempPostgres}) with real uWSGI vassals
 * whose configs exist only in rows: insert → the vassal answers, a newer ts → reload with the new config,
 * delete → stopped; the password shown nowhere; the faults emperor_pg is silent about. The same class runs
 * against {@code uwsgi --emperor pg://...} with its emperor_pg plugin (-Demperor.impl=uwsgi) where it behaves
 * alike; the assertions that hold for ours only say so.
 */
@Timeout(120)
class PgSourceIT {
    private static TempPostgres pg;

    @BeforeAll
    static void database() throws Exception {
        pg = TempPostgres.start("source");
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

    @Test
    void insertUpdateDelete() throws Exception {
        int port = Ports.free();
        try (TempEmperor e = PgFleet.emperor("pg-crud", pg, null).build()) {
            e.start();
            pg.sql(PgFleet.insert("app1.ini", PgFleet.config(e, "app1", port)));
            e.awaitAnswer(port, "app1", PgFleet.UP);
            long pid = e.awaitVassal("app1.ini", PgFleet.UP, "accepting", Stats.Vassal::accepting).pid();
            assertFalse(java.nio.file.Files.exists(e.vassalsDir().resolve("app1.ini")), "no file: the config came from the row");

            // a new config and a newer ts (whole seconds later, so that emperor_pg's comparison sees it too)
            pg.sql("UPDATE vassals SET config = " + PgFleet.quote(PgFleet.config(e, "app1b", port))
                    + ", ts = now() + interval '2 seconds' WHERE name = 'app1.ini'");
            e.awaitLog("reload the uwsgi instance app1\\.ini", PgFleet.UP);
            e.awaitAnswer(port, "app1b", PgFleet.UP);
            assertEquals(pid, e.stats().vassal("app1.ini").orElseThrow().pid(), "a reload keeps the master");

            // the same config without a newer ts changes nothing (only a larger ts reloads)
            int mark = e.log().mark();
            pg.sql("UPDATE vassals SET config = " + PgFleet.quote(PgFleet.config(e, "app1c", port)));
            e.holds(Duration.ofSeconds(3), "no reload without a newer ts",
                    () -> e.log().count(mark, Pattern.compile("reload the uwsgi instance app1\\.ini")) == 0);

            pg.sql("DELETE FROM vassals WHERE name = 'app1.ini'");
            e.awaitStats(PgFleet.UP, "app1.ini gone from the stats", s -> s.vassal("app1.ini").isEmpty());
            e.await(PgFleet.UP, "app1's master to exit", () -> !ProcTree.running(pid));
            assertFalse(Http.tryGet(port).isPresent(), "nothing answers on app1's port");
        }
    }

    @Test
    void thePasswordIsShownNowhere() throws Exception {
        int port = Ports.free();
        try (TempEmperor e = PgFleet.emperor("pg-password", pg, null).build()) {
            e.start();
            pg.sql(PgFleet.insert("app1.ini", PgFleet.config(e, "app1", port)));
            e.awaitAnswer(port, "app1", PgFleet.UP);
            String stats = e.stats().raw();
            if (e.impl() == Impl.UWSGI) {
                // uWSGI shows the monitor argument verbatim, connection string and all
                assertTrue(stats.contains(pg.password()), "uWSGI's stats show the password");
                return;
            }
            assertTrue(stats.contains("password=****"), stats);
            assertFalse(stats.contains(pg.password()), "stats");
            for (String path : new String[] {"/metrics", "/ui", "/vassals", "/stats"}) {
                assertFalse(StatsHttp.get(e.statsPort(), path).body().contains(pg.password()), path);
            }
            pg.sql("DELETE FROM vassals");
            e.awaitStats(PgFleet.UP, "app1.ini gone", s -> s.vassal("app1.ini").isEmpty());
            assertFalse(String.join("\n", e.log().lines(0)).contains(pg.password()), "log");
        }
    }

    /** Ours only: emperor_pg gives every one of these to the vassal or drops it without a word. */
    @Test
    void faultyRowsEachGetALogLineAndTheGoodOnesRun() throws Exception {
        int good = Ports.free();
        int clash = Ports.free();
        try (TempEmperor e = PgFleet.emperor("pg-faults", pg, null).build()) {
            Vassals.python("clash", clash).writeTo(e); // a file vassal in the dir monitor
            e.start();
            e.awaitAnswer(clash, "clash", PgFleet.UP);
            pg.sql(PgFleet.insert("good.ini", PgFleet.config(e, "good", good)),
                    "INSERT INTO vassals(name, config) VALUES ('null.ini', NULL)",
                    "INSERT INTO vassals(name, config) VALUES ('big.ini', repeat('x', 10 * 1024 * 1024))",
                    PgFleet.insert("good.ini", "[uwsgi]\nthis = is the duplicate\n"),
                    PgFleet.insert("clash.ini", PgFleet.config(e, "clash-from-pg", clash)));
            e.awaitAnswer(good, "good", PgFleet.UP);
            if (e.impl() == Impl.UWSGI) {
                // emperor_pg hands libpq's "" for NULL, and a 10 MB config cut to its low 16 bits, to the vassal
                e.awaitLog("\\[uwsgi-vassal\\] invalid config from null\\.ini", PgFleet.UP);
                e.awaitLog("\\[uwsgi-vassal\\] invalid config from big\\.ini", PgFleet.UP);
                return;
            }
            e.awaitLog("null\\.ini .*config is NULL", PgFleet.UP);
            e.awaitLog("big\\.ini .*config has 10485760 bytes, more than the 65535", PgFleet.UP);
            e.awaitLog("skipping good\\.ini .*duplicate name in the query result", PgFleet.UP);
            e.awaitLog("vassal name clash\\.ini is already provided by monitor " + Pattern.quote(e.vassalsDir().toString()),
                    PgFleet.UP);
            assertTrue(Http.answers(clash, "clash"), "the file vassal keeps its name");
            assertTrue(e.stats().vassal("null.ini").isEmpty() && e.stats().vassal("big.ini").isEmpty());
            assertTrue(Http.answers(good, "good"), "the first good.ini row is the one running");
        }
    }

    /** A query that fails (here: a table that is not there) is a failed look: nothing is stopped. */
    @Test
    void aFailingQueryStopsNothing() throws Exception {
        int port = Ports.free();
        pg.sql("CREATE TABLE IF NOT EXISTS vassals2 (LIKE vassals INCLUDING ALL)", "DELETE FROM vassals2");
        try (TempEmperor e = PgFleet.emperor("pg-failing-query", pg,
                "SELECT name,config,EXTRACT(epoch FROM ts) FROM vassals2").build()) {
            e.start();
            pg.sql(PgFleet.insert("app1.ini", PgFleet.config(e, "app1", port)).replace("INTO vassals(", "INTO vassals2("));
            e.awaitAnswer(port, "app1", PgFleet.UP);
            long pid = e.stats().vassal("app1.ini").orElseThrow().pid();
            pg.sql("ALTER TABLE vassals2 RENAME TO vassals3");
            try {
                e.awaitLog(e.impl() == Impl.UWSGI ? "libpq-error" : "vassals2.* does not exist", PgFleet.UP);
                e.holds(Duration.ofSeconds(4), "app1 still running and answering",
                        () -> ProcTree.running(pid) && Http.answers(port, "app1"));
                assertNotEquals(0, pid);
            } finally {
                pg.sql("ALTER TABLE vassals3 RENAME TO vassals2");
            }
        }
    }

    /** No password in the string: libpq and pgjdbc both read it from PGPASSFILE (host:port:db:user:password). */
    @Test
    void thePasswordCanComeFromPgpassfile() throws Exception {
        int port = Ports.free();
        java.nio.file.Path passfile = java.nio.file.Files.createTempFile("emperor-pgpass-", "");
        try {
            java.nio.file.Files.writeString(passfile, "127.0.0.1:" + pg.port() + ":" + TempPostgres.DB + ":"
                    + TempPostgres.USER + ":" + pg.password() + "\n");
            java.nio.file.Files.setPosixFilePermissions(passfile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            String noPassword = pg.conninfo().replace(" password=" + pg.password(), "");
            try (TempEmperor e = TempEmperor.prepare("pg-pgpass").option("plugins", "emperor_pg")
                    .add("emperor", "pg://" + noPassword).env("PGPASSFILE", passfile.toString()).build()) {
                e.start();
                pg.sql(PgFleet.insert("app1.ini", PgFleet.config(e, "app1", port)));
                e.awaitAnswer(port, "app1", PgFleet.UP);
            }
        } finally {
            java.nio.file.Files.deleteIfExists(passfile);
        }
    }

    /** The database is down when the Emperor starts: it says so, keeps polling, and runs the rows once it is up. */
    @Test
    void aDatabaseDownAtStartIsWaitedFor() throws Exception {
        int port = Ports.free();
        try (TempEmperor e = PgFleet.emperor("pg-down-at-start", pg, null).build()) {
            pg.stop();
            try {
                e.start();
                e.awaitLog(e.impl() == Impl.UWSGI ? "libpq-error" : "monitor pg://.*cannot connect", PgFleet.UP);
            } finally {
                pg.restart();
            }
            pg.sql(PgFleet.insert("app1.ini", PgFleet.config(e, "app1", port)));
            e.awaitAnswer(port, "app1", PgFleet.UP);
        }
    }
}
