package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fleet on one table (README, "Running a fleet"), with the trigger of etc/emperor-pg-notify.sql: NOTIFY wakes the
 * scan at once (ours only: emperor_pg polls), a database outage stops nothing and what changed meanwhile is
 * applied within one poll after it returns (both), two Emperors with different hostnames run only their own
 * rows through {@code %h} in the query (both).
 */
@Timeout(180)
class PgFleetIT {
    private static final String CHANNEL = "emperor_vassals";
    private static TempPostgres pg;

    @BeforeAll
    static void database() throws Exception {
        pg = TempPostgres.start("fleet");
        pg.sql(Files.readString(Path.of("etc", "emperor-pg-notify.sql")));
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

    /** The vassal's first line ({@code print}, parsed before any plugin loads): the earliest sign it was spawned. */
    static String earlyConfig(TempEmperor e, String label, int port) throws Exception {
        String c = PgFleet.config(e, label, port);
        return "[uwsgi]\nprint = " + PgFleet.marker(label) + "\n" + c.substring("[uwsgi]\n".length()).replace(
                "print = " + PgFleet.marker(label) + "\n", "");
    }

    /**
     * Ours only (emperor_pg has no LISTEN). The poll is 30 s, so only the NOTIFY can explain a spawn within
     * milliseconds. Measured per insert: from the commit returning to the test to the new vassal's first output
     * line arriving at the test (so spawn, exec and the config pipe are all inside the figure). The issue's bound,
     * 100 ms, is asserted on the median of 5 inserts: one insert delayed by a busy 2-core CI box does not flake it,
     * a daemon that waits for its poll fails it by far.
     */
    @Test
    void notifySpawnsTheVassalWithinMilliseconds() throws Exception {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "emperor_pg polls; LISTEN/NOTIFY is this daemon's");
        try (TempEmperor e = PgFleet.emperor("pg-notify", pg, null).option("emperor-freq", "30")
                .option("emperor-pg-channel", CHANNEL).build()) {
            e.start();
            e.awaitLog("\\[emperor-pg\\] listening on channel " + CHANNEL, PgFleet.UP);
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String label = "n" + i;
                int port = Ports.free();
                String config = earlyConfig(e, label, port);
                int mark = e.log().mark();
                pg.sql(PgFleet.insert(label + ".ini", config));
                long committed = System.nanoTime();
                long seen = Poll.value(Duration.ofSeconds(10), label + "'s first line",
                        () -> e.log().arrival(mark, Pattern.compile(Pattern.quote(PgFleet.marker(label)))));
                millis.add((seen - committed) / 1_000_000);
                e.awaitAnswer(port, label, PgFleet.UP);
            }
            List<Long> sorted = new ArrayList<>(millis);
            sorted.sort(null);
            System.out.println("[pg-notify] commit -> vassal's first line, ms: " + millis + ", median " + sorted.get(2));
            assertTrue(sorted.get(4) < 10_000, "every spawn long before the 30 s poll: " + millis);
            assertTrue(sorted.get(2) < 100, "median commit -> spawned under 100 ms: " + millis);
        }
    }

    /**
     * The database goes away for 30 s: every vassal keeps serving, nothing is stopped or reloaded. Meanwhile the
     * rows change (the same server started on a port the Emperor does not know, then stopped again); once it is
     * back, one poll applies all of it. emperor_pg behaves alike here (a libpq error skips the scan).
     */
    @Test
    void anOutageStopsNothingAndChangesArePickedUpWithinOnePollAfterwards() throws Exception {
        int pa = Ports.free();
        int pb = Ports.free();
        int pc = Ports.free();
        int freq = 2;
        try (TempEmperor e = PgFleet.emperor("pg-outage", pg, null).option("emperor-freq", String.valueOf(freq)).build()) {
            e.start();
            pg.sql(PgFleet.insert("a.ini", PgFleet.config(e, "a", pa)), PgFleet.insert("b.ini", PgFleet.config(e, "b", pb)));
            e.awaitAnswer(pa, "a", PgFleet.UP);
            e.awaitAnswer(pb, "b", PgFleet.UP);
            Map<String, Long> pids = Map.of("a.ini", e.stats().vassal("a.ini").orElseThrow().pid(),
                    "b.ini", e.stats().vassal("b.ini").orElseThrow().pid());
            String cConfig = earlyConfig(e, "c", pc);
            String bConfig = PgFleet.config(e, "b2", pb);
            int mark = e.log().mark();

            pg.stop();
            long down = System.nanoTime();
            e.holds(Duration.ofSeconds(5), "a and b serving while the database is down",
                    () -> Http.answers(pa, "a") && Http.answers(pb, "b"));
            pg.startElsewhere();
            pg.sql("DELETE FROM vassals WHERE name = 'a.ini'", PgFleet.insert("c.ini", cConfig),
                    "UPDATE vassals SET config = " + PgFleet.quote(bConfig) + ", ts = now() + interval '2 seconds' WHERE name = 'b.ini'");
            pg.stop();
            long left = Duration.ofSeconds(30).toNanos() - (System.nanoTime() - down);
            e.holds(Duration.ofNanos(Math.max(0, left)), "a and b serving, unchanged, while the database is unreachable",
                    () -> Http.answers(pa, "a") && Http.answers(pb, "b")
                            && ProcTree.running(pids.get("a.ini")) && ProcTree.running(pids.get("b.ini")));
            assertEquals(0, e.log().count(mark, Pattern.compile("(stop|reload) the uwsgi instance")),
                    "nothing stopped or reloaded during the outage");
            assertTrue(e.log().count(mark, Pattern.compile(e.impl() == Impl.UWSGI ? "libpq-error"
                    : "monitor pg://.*(cannot connect|query failed)")) > 0, "the outage is in the log");

            pg.restart();
            long back = System.nanoTime();
            long cSeen = Poll.value(PgFleet.UP, "c's first line", () -> e.log().arrival(mark,
                    Pattern.compile(Pattern.quote(PgFleet.marker("c")))));
            e.awaitLog(mark, "stop the uwsgi instance a\\.ini", PgFleet.UP);
            e.awaitLog(mark, "reload the uwsgi instance b\\.ini", PgFleet.UP);
            long pickedUpMs = (cSeen - back) / 1_000_000;
            System.out.println("[pg-outage] database back -> new vassal's first line: " + pickedUpMs + " ms (poll " + freq + " s)");
            // one poll, plus a second for the spawn and uWSGI's exec up to its first line
            assertTrue(pickedUpMs < freq * 1000L + 1000, "picked up within one poll: " + pickedUpMs + " ms");
            e.awaitAnswer(pc, "c", PgFleet.UP);
            e.awaitAnswer(pb, "b2", PgFleet.UP);
            e.await(PgFleet.UP, "a's master gone", () -> !ProcTree.running(pids.get("a.ini")));
            if (e.impl() == Impl.OURS) {
                assertTrue(e.log().lines(0).stream().noneMatch(l -> l.contains(pg.password())),
                        "the driver's connection errors reach the log without the password");
            }
        } finally {
            if (!isUp()) {
                pg.restart();
            }
        }
    }

    private static boolean isUp() {
        try (var c = pg.connect()) {
            return true;
        } catch (java.sql.SQLException ex) {
            return false;
        }
    }

    /**
     * Two Emperors on one machine, each in its own UTS namespace with its own hostname (unshare --uts, root only:
     * CI runs as root and fails here rather than skipping), one query with {@code %h}: each runs only its rows.
     */
    @Test
    void twoHostsEachRunOnlyTheirRows() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            assertTrue(!"true".equals(System.getenv("CI")), "root is needed for unshare --uts");
            Assumptions.abort("unshare --uts needs root");
        }
        String query = "SELECT name,config,EXTRACT(epoch FROM ts) FROM vassals WHERE host = '%h'";
        int pa = Ports.free();
        int pb = Ports.free();
        try (TempEmperor a = PgFleet.emperor("pg-host-a", pg, query).option("emperor-pg-channel", CHANNEL)
                     .wrappedIn(uts("fleet-host-a")).build();
             TempEmperor b = PgFleet.emperor("pg-host-b", pg, query).option("emperor-pg-channel", CHANNEL)
                     .wrappedIn(uts("fleet-host-b")).build()) {
            a.start();
            b.start();
            pg.sql(PgFleet.insertFor("fleet-host-a", "web.ini", PgFleet.config(a, "web-a", pa)),
                    PgFleet.insertFor("fleet-host-b", "web.ini", PgFleet.config(b, "web-b", pb)),
                    PgFleet.insertFor("fleet-host-b", "only-b.ini", PgFleet.config(b, "only-b", Ports.free())));
            a.awaitAnswer(pa, "web-a", PgFleet.UP);
            b.awaitAnswer(pb, "web-b", PgFleet.UP);
            b.awaitVassal("only-b.ini", PgFleet.UP, "running", v -> v.pid() > 0);
            a.holds(Duration.ofSeconds(3), "host a runs web.ini only",
                    () -> a.stats().vassals().size() == 1 && a.stats().vassal("web.ini").isPresent());
            assertEquals(2, b.stats().vassals().size(), "host b runs web.ini and only-b.ini");
        }
    }

    /** Runs the Emperor in a new UTS namespace named {@code host}; sh execs it, so the pid stays the Emperor's. */
    private static String[] uts(String host) {
        return new String[] {"unshare", "--uts", "--", "sh", "-c", "hostname \"$0\" && exec \"$@\"", host};
    }
}
