package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The base vassal goes away while adopted vassals run: killed ({@code kill -9}, respawned by the Emperor),
 * reloaded (touch: the stand-in exits on byte 1, as master's fork server does, and is respawned), removed.
 * Each time the adopted vassals keep running (same pids, still answering), and a vassal added while no base
 * listens waits for the next base (stale socket file: connection refused) and is then adopted, never
 * plain-spawned. One Emperor for the class; the steps run in order.
 */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForkServerBaseRestartIT {

    private static ForkServerFixture fs;
    private static TempEmperor e;
    /** label → port of the adopted vassals started so far. */
    private static final List<String> LABELS = new ArrayList<>();
    private static final List<Integer> PORTS = new ArrayList<>();
    private static final List<ProcTree.Proc> MASTERS = new ArrayList<>();

    @BeforeAll
    static void startWithOneAdoptedVassal() throws Exception {
        fs = ForkServerFixture.create("fs-base-restart", ForkServerFixture.PRELOAD_SECONDS);
        e = fs.e;
        int port = Ports.free();
        ForkServerFixture.vassal("b1", port, "processes = 2").writeTo(e);
        e.start();
        fs.awaitBaseReady(Duration.ofSeconds(30));
        long m = fs.awaitAdoptedAndServing("b1.ini", "b1", port, ForkServerFixture.ADOPT);
        LABELS.add("b1");
        PORTS.add(port);
        MASTERS.add(ProcTree.require(m));
    }

    @AfterAll
    static void stop() {
        if (fs != null) fs.close();
    }

    @Test
    @Order(1)
    void baseKilledAdoptedKeepRunningNewVassalWaitsForTheNewBase() throws Exception {
        ProcTree.Proc base = ProcTree.require(fs.basePid());
        assertEquals(0, TempEmperor.kill("KILL", base.pid()));
        baseReplacedThenNewVassalAdopted(base, "b2");
    }

    @Test
    @Order(2)
    void baseReloadedAdoptedKeepRunningNewVassalWaitsForTheNewBase() throws Exception {
        ProcTree.Proc base = ProcTree.require(fs.basePid());
        int mark = e.log().mark();
        Files.setLastModifiedTime(e.vassalsDir().resolve(ForkServerFixture.BASE),
                FileTime.from(Instant.now().plusSeconds(2)));
        e.awaitLog(mark, "\\[emperor\\] reload the uwsgi instance base\\.ini", Duration.ofSeconds(5));
        e.awaitLog(mark, "received message 1 from emperor", Duration.ofSeconds(5));
        baseReplacedThenNewVassalAdopted(base, "b3");
    }

    @Test
    @Order(3)
    void baseRemovedAdoptedKeepRunning() throws Exception {
        ProcTree.Proc base = ProcTree.require(fs.basePid());
        int mark = e.log().mark();
        Files.delete(e.vassalsDir().resolve(ForkServerFixture.BASE));
        e.awaitLog(mark, "fork-server base base\\.ini removed: adopted vassals keep running", Duration.ofSeconds(5));
        e.await(TempEmperor.SHORT, "the base " + base.pid() + " gone", () -> !ProcTree.exists(base));
        e.awaitStats(Duration.ofSeconds(5), "base.ini no longer listed", s -> s.vassal(ForkServerFixture.BASE).isEmpty());
        adoptedStillRunning();
        // a vassal added now can only wait (no plain spawn fallback)
        int port = Ports.free();
        ForkServerFixture.vassal("b4", port).writeTo(e);
        e.awaitLog(mark, "\\[emperor\\] vassal b4\\.ini waits for the fork server on "
                + Pattern.quote(fs.socket.toString()), Duration.ofSeconds(5));
        Poll.holds(Duration.ofMillis(1500), Duration.ofMillis(100), "b4 not started without a base",
                () -> Http.tryGet(port).isEmpty()
                        && e.log().count(mark, Pattern.compile("getting INI configuration from b4\\.ini")) == 0,
                e::diagnostics);
        adoptedStillRunning();
    }

    private static void baseReplacedThenNewVassalAdopted(ProcTree.Proc oldBase, String label) throws Exception {
        int mark = e.log().mark();
        e.await(TempEmperor.SHORT, "the old base " + oldBase.pid() + " gone", () -> !ProcTree.exists(oldBase));
        Stats.Vassal nb = e.awaitVassal(ForkServerFixture.BASE, TempEmperor.SHORT, "respawned",
                v -> v.pid() > 0 && v.pid() != oldBase.pid());
        assertEquals(0, nb.num("adopted"));
        assertEquals(e.pid(), ProcTree.ppid(nb.pid()).orElseThrow(), "the new base is the Emperor's child");

        // a vassal added while the new base preloads: the stale socket file refuses, the vassal waits
        int port = Ports.free();
        Path file = ForkServerFixture.vassal(label, port).writeTo(e);
        e.awaitLog(mark, "\\[emperor\\] vassal " + Pattern.quote(label + ".ini") + " waits for the fork server on "
                + Pattern.quote(fs.socket.toString()) + " \\(base vassal not listening yet\\)", Duration.ofSeconds(5));
        assertTrue(Files.exists(file));
        adoptedStillRunning();

        long ready = fs.awaitBaseReady(Duration.ofSeconds(30));
        assertEquals(0, e.log().count(mark, Pattern.compile("getting INI configuration from "
                + Pattern.quote(label + ".ini") + "$")) - countAfter(mark, "waiting for fork-socket connections",
                "getting INI configuration from " + Pattern.quote(label + ".ini") + "$"),
                label + " not started before the new base listened\n" + e.diagnostics());
        e.awaitAnswer(port, label, ForkServerFixture.ADOPT);
        long ms = (System.nanoTime() - ready) / 1_000_000;
        assertTrue(ms < 3000, label + " answered " + ms + " ms after the new base listens");
        long m = fs.awaitAdoptedAndServing(label + ".ini", label, port, ForkServerFixture.ADOPT);
        assertEquals(0, e.stats().vassal(label + ".ini").orElseThrow().respawns(), "started once");
        adoptedStillRunning();
        LABELS.add(label);
        PORTS.add(port);
        MASTERS.add(ProcTree.require(m));
    }

    /** Every vassal adopted so far runs with its first pid, is adopted in the stats, and answers. */
    private static void adoptedStillRunning() throws Exception {
        Stats s = e.stats();
        for (int i = 0; i < LABELS.size(); i++) {
            String id = LABELS.get(i) + ".ini";
            ProcTree.Proc master = MASTERS.get(i);
            assertTrue(ProcTree.running(master), id + ": master " + master.pid() + " still runs\n" + e.diagnostics());
            Stats.Vassal v = s.vassal(id).orElseThrow();
            assertEquals(master.pid(), v.pid(), id + ": same pid in the stats");
            assertEquals(1, v.num("adopted"), id + ": adopted");
            assertEquals(e.pid(), ProcTree.ppid(master.pid()).orElseThrow(), id + ": still the Emperor's child");
            assertTrue(Http.answers(PORTS.get(i), LABELS.get(i)), id + " answers\n" + e.diagnostics());
        }
    }

    /** Lines matching {@code what} at or after the first line (from {@code mark}) matching {@code after}. */
    private static long countAfter(int mark, String after, String what) {
        List<String> lines = e.log().lines(mark);
        Pattern a = Pattern.compile(after);
        Pattern w = Pattern.compile(what);
        boolean seen = false;
        long n = 0;
        for (String l : lines) {
            if (!seen && a.matcher(l).find()) seen = true;
            if (seen && w.matcher(l).find()) n++;
        }
        return n;
    }
}
