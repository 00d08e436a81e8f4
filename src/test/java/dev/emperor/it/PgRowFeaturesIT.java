package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The optional columns of a pg:// query (Tyrant's uid and gid, the on-demand socket) and a slow query, against a
 * real PostgreSQL; both implementations (-Demperor.impl=uwsgi runs emperor_pg) unless a test says otherwise.
 */
@Timeout(120)
class PgRowFeaturesIT {
    private static TempPostgres pg;

    @BeforeAll
    static void database() throws Exception {
        pg = TempPostgres.start("rows");
        pg.sql("CREATE TABLE owned (LIKE vassals INCLUDING DEFAULTS)", "CREATE TABLE slowdown (x int)",
                "CREATE FUNCTION maybe_slow() RETURNS bool LANGUAGE plpgsql AS $$ BEGIN "
                        + "IF EXISTS (SELECT 1 FROM slowdown) THEN PERFORM pg_sleep(8); END IF; RETURN true; END $$");
    }

    @AfterAll
    static void stopDatabase() {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void emptyTables() {
        pg.sql("DELETE FROM vassals", "DELETE FROM owned", "DELETE FROM slowdown");
    }

    /**
     * Tyrant (root only: CI runs as root and fails rather than skips): with the default 3-column query every row
     * lacks uid and gid; a row with uid 0 or gid 0 is refused. Both with emperor_pg's own lines.
     */
    @Test
    void tyrantTakesUidAndGidFromTheRowAndRefusesRootAndMissingColumns() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            assertTrue(!"true".equals(System.getenv("CI")), "Tyrant needs root");
            Assumptions.abort("Tyrant needs root");
        }
        try (TempEmperor e = PgFleet.emperor("pg-tyrant", pg, null).option("emperor-tyrant", "true")
                .add("emperor", "pg://" + pg.conninfo() + ";SELECT name,config,EXTRACT(epoch FROM ts),uid,gid FROM owned")
                .build()) {
            e.start();
            pg.sql(PgFleet.insert("nouid.ini", "[uwsgi]\nhttp-socket = 127.0.0.1:" + Ports.free() + "\n"),
                    "INSERT INTO owned(name, config, uid, gid) VALUES ('root.ini', '[uwsgi]\nhttp-socket = 127.0.0.1:"
                            + Ports.free() + "\n', 0, 0), ('rootgid.ini', '[uwsgi]\n', 1000, 0)");
            e.awaitLog("\\[emperor-pg\\] missing uid and gid for vassal nouid\\.ini", PgFleet.UP);
            e.awaitLog("\\[emperor-tyrant\\] invalid permissions for vassal root\\.ini", PgFleet.UP);
            e.awaitLog("\\[emperor-tyrant\\] invalid permissions for vassal rootgid\\.ini", PgFleet.UP);
            e.holds(Duration.ofSeconds(2), "none of them runs", () -> e.stats().vassals().stream()
                    .noneMatch(v -> v.pid() > 0));
        }
    }

    /**
     * A 6th column names the on-demand socket: the Emperor binds it and spawns the vassal at the first connection.
     * An empty socket value is a normal vassal here; emperor_pg passes "" and the bind fails (ours only, that half).
     */
    @Test
    void theSocketColumnMakesAnOnDemandVassal() throws Exception {
        int port = Ports.free();
        int normal = Ports.free();
        String query = "SELECT name,config,EXTRACT(epoch FROM ts),uid,gid,socket FROM vassals";
        try (TempEmperor e = PgFleet.emperor("pg-on-demand", pg, query).build()) {
            e.start();
            Files.createDirectories(e.appsDir());
            Vassals.writeAtomically(e.appsDir().resolve("lazy.py"), Vassals.app("lazy"));
            String lazy = "[uwsgi]\nplugins = python3\nprotocol = http\nwsgi-file = " + e.appsDir().resolve("lazy.py")
                    + "\nprocesses = 1\n";
            pg.sql("INSERT INTO vassals(name, config, socket) VALUES ('lazy.ini', " + PgFleet.quote(lazy)
                    + ", '127.0.0.1:" + port + "')");
            e.awaitVassal("lazy.ini", PgFleet.UP, "listed, waiting for a connection", v -> v.pid() <= 0);
            e.holds(Duration.ofSeconds(2), "not spawned before a connection",
                    () -> e.stats().vassal("lazy.ini").orElseThrow().pid() <= 0);
            e.awaitAnswer(port, "lazy", PgFleet.UP);
            if (e.impl() == Impl.UWSGI) {
                return;
            }
            pg.sql("INSERT INTO vassals(name, config, socket) VALUES ('normal.ini', "
                    + PgFleet.quote(PgFleet.config(e, "normal", normal)) + ", '')");
            e.awaitAnswer(normal, "normal", PgFleet.UP);
        }
    }

    /**
     * A query slower than the statement timeout (5 s; here 8 s) is cancelled by the server and is a failed look:
     * the running vassal is kept and answers all along (ours; emperor_pg waits for the query, its loop blocked,
     * and keeps the vassal too).
     */
    @Test
    void aSlowQueryIsCancelledAndStopsNothing() throws Exception {
        int port = Ports.free();
        try (TempEmperor e = PgFleet.emperor("pg-slow", pg,
                "SELECT name,config,EXTRACT(epoch FROM ts) FROM vassals WHERE maybe_slow()").build()) {
            e.start();
            pg.sql(PgFleet.insert("app1.ini", PgFleet.config(e, "app1", port)));
            e.awaitAnswer(port, "app1", PgFleet.UP);
            long pid = e.stats().vassal("app1.ini").orElseThrow().pid();
            int mark = e.log().mark();
            pg.sql("INSERT INTO slowdown VALUES (1)");
            if (e.impl() == Impl.OURS) {
                e.awaitLog(mark, "statement timeout \\(5 s\\)", Duration.ofSeconds(30));
            }
            e.holds(Duration.ofSeconds(10), "app1 running and answering while the query is slow",
                    () -> ProcTree.running(pid) && Http.answers(port, "app1"));
            assertFalse(e.logHas("stop the uwsgi instance app1\\.ini"), "not stopped");
            pg.sql("DELETE FROM slowdown");
        }
    }
}
