package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * On-demand vassals (lifecycle §8) with real uWSGI 2.0.21 python3 vassals: the Emperor binds
 * 127.0.0.1:PORT named by the sidecar {@code od.ini.socket} ({@code emperor-on-demand-extension}),
 * nothing runs until the first connection, the vassal serves from fd 0 ({@code protocol = http}),
 * goes back to sleep on {@code idle} + {@code die-on-idle} (byte 22) and comes back on the next
 * request; no request is lost across a reload or an idle return. One Emperor for the class; the
 * steps run in order. The first-request latency is printed, next to real uWSGI's for the same vassal.
 */
@Timeout(90)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnDemandIT {
    static final int IDLE_SECONDS = 2;
    private static TempEmperor e;
    private static final int PORT = Ports.free();
    private static Path config;
    private static final Pattern DETECTED = Pattern.compile(
            Pattern.quote("[uwsgi-emperor] od.ini -> \"on demand\" instance detected, waiting for connections on socket \"127.0.0.1:"
                    + PORT + "\" ..."));
    private static final String BACK = Pattern.quote("[uwsgi-emperor] od.ini -> back to \"on demand\" mode, waiting for connections on socket \"127.0.0.1:"
            + PORT + "\" ...");

    /** A python3 vassal serving HTTP on the socket it finds on fd 0, going idle after IDLE_SECONDS. */
    static Vassals.Spec onDemandVassal(String label) {
        Vassals.Spec s = new Vassals.Spec(label, label + ".ini");
        s.option("plugins", "python3");
        s.option("protocol", "http"); // uWSGI uses stdin as its socket when it is one; this says it speaks HTTP
        s.option("wsgi-file", Vassals.Spec.APP_PLACEHOLDER);
        s.option("processes", "1");
        s.option("idle", Integer.toString(IDLE_SECONDS));
        s.option("die-on-idle", "true");
        return s;
    }

    /** Writes the sidecar NAME.socket (first) and the vassal; returns the config path. */
    static Path writeOnDemand(TempEmperor emp, String label, String socket) throws IOException {
        Vassals.writeAtomically(emp.vassalsDir().resolve(label + ".ini.socket"), socket + "\n");
        return onDemandVassal(label).writeTo(emp);
    }

    /** GET / timed from connect to the full response, in ms (0.01 ms resolution); empty when refused or failed. */
    static Optional<Double> timedHello(int port, String label) {
        long t0 = System.nanoTime();
        try {
            Http.Response r = Http.get(port, 5000, 15000);
            double ms = (System.nanoTime() - t0) / 10_000 / 100.0;
            return r.status() == 200 && r.body().equals("hello " + label) ? Optional.of(ms) : Optional.empty();
        } catch (IOException ex) {
            return Optional.empty();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        e = TempEmperor.prepare("ondemand").option("emperor-on-demand-extension", ".socket").build();
        config = writeOnDemand(e, "od", "127.0.0.1:" + PORT);
        e.start();
    }

    @AfterAll
    static void stop() {
        if (e != null) e.close();
    }

    @Test
    @Order(1)
    void nothingRunsBeforeTheFirstConnection() throws Exception {
        e.awaitLog(DETECTED.pattern(), TempEmperor.SHORT);
        Stats.Vassal v = e.awaitVassal("od.ini", TempEmperor.SHORT, "listed asleep", x -> x.pid() == -1);
        assertEquals("127.0.0.1:" + PORT, v.obj().str("on_demand"));
        e.holds(Duration.ofMillis(800), "no process under the Emperor while nobody connected",
                () -> ProcTree.descendants(e.pid()).isEmpty() && e.seenProcesses().isEmpty());
        assertTrue(listening(PORT), "the Emperor listens on 127.0.0.1:" + PORT);
        if (e.impl() == Impl.OURS) {
            Http.Response one = StatsHttp.get(e.statsPort(), "/vassals/od.ini");
            assertTrue(one.body().contains("\"state\":\"on_demand\""), one.body());
            Map<String, String> m = StatsHttp.samples(StatsHttp.get(e.statsPort(), "/metrics").body());
            assertEquals(1.0, StatsHttp.value(m, "emperor_vassals{state=\"on_demand\"}"));
            assertEquals(1.0, StatsHttp.value(m, "emperor_vassal_state{vassal=\"od.ini\",state=\"on_demand\"}"));
        }
    }

    @Test
    @Order(2)
    void firstRequestIsAnsweredAndTimed() throws Exception {
        double ms = timedHello(PORT, "od").orElseThrow(() -> new AssertionError("first request failed\n" + e.diagnostics()));
        System.out.printf(Locale.ROOT, "[on-demand] first request (connect -> full response, vassal cold-started): %.1f ms (%s)%n",
                ms, e.impl());
        Stats.Vassal v = e.awaitVassal("od.ini", TempEmperor.SHORT, "running", x -> x.pid() > 0);
        assertEquals("127.0.0.1:" + PORT, v.obj().str("on_demand"));
        assertEquals(e.pid(), ProcTree.ppid(v.pid()).orElseThrow(), "the Emperor's own child");
    }

    @Test
    @Order(3)
    void runningVassalHasTheEmperorsSocketOnFdZeroAndNothingElseOfIt() throws Exception {
        long master = e.awaitVassal("od.ini", TempEmperor.SHORT, "running", x -> x.pid() > 0).pid();
        Map<Integer, String> fds = ForkServerFixture.fds(master);
        Map<Integer, String> emperorFds = ForkServerFixture.fds(e.pid());
        String diag = "vassal " + master + " fds " + fds + "\nemperor fds " + emperorFds;
        String inode = listeningInode(PORT).orElseThrow(() -> new AssertionError("no listening socket on " + PORT));
        assertEquals("socket:[" + inode + "]", fds.get(0), "fd 0 is the listening socket\n" + diag);
        assertTrue(emperorFds.containsValue("socket:[" + inode + "]"), "the Emperor keeps its copy open\n" + diag);
        assertEquals(emperorFds.get(1), fds.get(1), diag);
        assertEquals(emperorFds.get(2), fds.get(2), diag);
        for (Map.Entry<Integer, String> f : fds.entrySet()) {
            if (f.getKey() > 2 && !f.getValue().startsWith("anon_inode:")) {
                assertTrue(!emperorFds.containsValue(f.getValue()), "fd " + f.getKey() + " -> " + f.getValue()
                        + " is something the Emperor holds\n" + diag);
            }
        }
    }

    @Test
    @Order(4)
    void idleVassalGoesBackToSleepAndTheNextRequestStartsItAgain() throws Exception {
        long first = e.stats().vassal("od.ini").orElseThrow().pid();
        int mark = e.log().mark();
        e.awaitLog(mark, Pattern.quote("[emperor] bringing back instance od.ini to on-demand mode"), Duration.ofSeconds(IDLE_SECONDS + 15));
        e.awaitLog(mark, BACK, TempEmperor.SHORT);
        e.awaitVassal("od.ini", TempEmperor.SHORT, "asleep again", x -> x.pid() == -1);
        e.await(TempEmperor.SHORT, "the old master is gone", () -> !ProcTree.running(first));
        double ms = timedHello(PORT, "od").orElseThrow(() -> new AssertionError("request after the idle return failed\n" + e.diagnostics()));
        System.out.printf(Locale.ROOT, "[on-demand] first request after the idle return: %.1f ms%n", ms);
        long second = e.awaitVassal("od.ini", TempEmperor.SHORT, "running again", x -> x.pid() > 0).pid();
        assertTrue(second != first, "a new master");
    }

    @Test
    @Order(5)
    void requestWhileTheVassalGoesBackToSleepIsServed() throws Exception {
        Pattern bringingBack = Pattern.compile(Pattern.quote("[emperor] bringing back instance od.ini to on-demand mode"));
        Pattern back = Pattern.compile(BACK);
        for (int attempt = 1; ; attempt++) {
            // the instance about to idle out, and its workers (a reply from one of them = served by the old instance)
            long old = e.awaitVassal("od.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();
            e.await(TempEmperor.SHORT, "od.ini's worker", () -> !TyrantIT.workers(old).isEmpty());
            List<Long> oldWorkers = TyrantIT.workers(old);
            int mark = e.log().mark();
            e.awaitLog(mark, bringingBack.pattern(), Duration.ofSeconds(IDLE_SECONDS + 15));
            if (e.log().find(mark, back).isPresent()) {
                // already asleep again: this round would test a plain wake-up, not a request during the stop
                assertTrue(attempt < 3, "in 3 rounds the vassal was always back asleep before the request could be sent\n"
                        + e.diagnostics());
                timedHello(PORT, "od").orElseThrow(() -> new AssertionError("wake-up for another round failed\n" + e.diagnostics()));
                continue;
            }
            // the vassal is being stopped: this connection waits in the backlog of the socket the Emperor
            // keeps and wakes the next instance at the re-arm (level-triggered) — unless the old instance
            // still accepted it in its last milliseconds; either way it must be answered
            long t0 = System.nanoTime();
            Http.Response r;
            try {
                r = Http.get(PORT, 5000, 15000);
            } catch (IOException ex) {
                throw new AssertionError("request during the return failed: " + ex + "\n" + e.diagnostics(), ex);
            }
            double ms = (System.nanoTime() - t0) / 10_000 / 100.0;
            assertEquals(200, r.status(), "request during the return\n" + e.diagnostics());
            assertEquals("hello od", r.body());
            e.awaitLog(mark, BACK, TempEmperor.SHORT);
            boolean byOld = oldWorkers.contains(r.workerPid());
            if (!byOld) {
                // not the old instance: then the pending connection must have woken a new one
                e.awaitVassal("od.ini", Duration.ofSeconds(3), "a new instance (the reply came from worker " + r.workerPid()
                        + ", not one of the old " + oldWorkers + ")", v -> v.pid() > 0 && v.pid() != old);
            }
            System.out.printf(Locale.ROOT, "[on-demand] request sent while the vassal was going back to sleep (round %d): %.1f ms (%s)%n",
                    attempt, ms, byOld ? "served by the old instance" : "the pending connection woke a new instance at once");
            return;
        }
    }

    @Test
    @Order(6)
    void twoHundredRequestsAcrossAReloadAndAnIdleReturnLoseNone() throws Exception {
        List<Double> times = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int reloadMark = 0;
        for (int i = 0; i < 200; i++) {
            if (i == 60) {
                // a reload (byte 1): uWSGI re-execs its master and keeps fd 0
                reloadMark = e.log().mark();
                Files.setLastModifiedTime(config, FileTime.from(Instant.now().plusSeconds(2)));
            }
            if (i == 70) {
                // uWSGI notices the touch only at its next scan: make sure the reload falls inside the traffic
                e.awaitLog(reloadMark, Pattern.quote("[emperor] reload the uwsgi instance od.ini"), TempEmperor.SHORT);
            }
            if (i == 130) {
                // stop asking: the vassal idles out and the Emperor takes it back to waiting
                int mark = e.log().mark();
                e.awaitLog(mark, BACK, Duration.ofSeconds(IDLE_SECONDS + 20));
            }
            Optional<Double> t = timedHello(PORT, "od");
            if (t.isPresent()) {
                times.add(t.get());
                if (t.get() > 300) {
                    System.out.printf(Locale.ROOT, "[on-demand]   request %d took %.1f ms%n", i, t.get());
                }
            } else {
                failures.add("request " + i);
            }
        }
        // before the figures: with every request failed, times.get() would hide the failure behind an IndexOutOfBounds
        assertEquals(List.of(), failures, "no request refused or failed\n" + e.diagnostics());
        Collections.sort(times);
        System.out.printf(Locale.ROOT, "[on-demand] 200 sequential requests across a reload and an idle return: %d failed,"
                + " median %.2f ms, max %.1f ms%n", failures.size(), times.get(times.size() / 2), times.get(times.size() - 1));
    }

    @Test
    @Order(7)
    void removalClosesTheSocket() throws Exception {
        Files.delete(config);
        e.await(TempEmperor.SHORT, "od.ini gone from the stats", () -> e.stats().vassal("od.ini").isEmpty());
        e.await(TempEmperor.SHORT, "nothing listens on " + PORT + " any more", () -> !listening(PORT));
    }

    @Test
    @Order(8)
    void sideBySideWithRealUwsgi() throws Exception {
        // in compat mode the class itself already ran against uWSGI: a skip, not a silent pass
        Assumptions.assumeFalse(e.impl() == Impl.UWSGI, "the class already ran against real uWSGI");
        int port = Ports.free();
        try (TempEmperor u = TempEmperor.prepare("ondemand-uwsgi").impl(Impl.UWSGI)
                .option("emperor-on-demand-extension", ".socket").build()) {
            writeOnDemand(u, "od", "127.0.0.1:" + port);
            u.start();
            u.awaitVassal("od.ini", TempEmperor.SHORT, "asleep", x -> x.pid() == -1);
            double ms = timedHello(port, "od").orElseThrow(() -> new AssertionError("uWSGI: first request failed\n" + u.diagnostics()));
            int mark = u.log().mark();
            u.awaitLog(mark, Pattern.quote("[uwsgi-emperor] od.ini -> back to \"on demand\" mode"), Duration.ofSeconds(IDLE_SECONDS + 15));
            u.awaitVassal("od.ini", TempEmperor.SHORT, "asleep again", x -> x.pid() == -1);
            double again = timedHello(port, "od").orElseThrow(() -> new AssertionError("uWSGI: request after idle failed\n" + u.diagnostics()));
            System.out.printf(Locale.ROOT, "[on-demand] real uwsgi --emperor, same vassal: first request %.1f ms,"
                    + " first request after the idle return %.1f ms%n", ms, again);
        }
    }

    // ---------------------------------------------------------------- /proc/net/tcp

    static boolean listening(int port) {
        return listeningInode(port).isPresent();
    }

    /** The inode of the socket listening (state 0A) on 127.0.0.1:port or *:port. */
    static Optional<String> listeningInode(int port) {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                    return Optional.of(f[9]);
                }
            }
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        return Optional.empty();
    }
}
