package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.Errno;
import dev.emperor.internal.FakeNative;
import dev.emperor.internal.Native;
import dev.emperor.internal.NativeException;
import dev.emperor.source.LookFailed;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalSource;
import dev.emperor.protocol.PipeByte;
import dev.emperor.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Emperor's own trouble never stops a healthy vassal (docs/reliability.md): failed looks keep
 * records, failed spawns for want of fds, processes or memory are deferred and retried soon, and no
 * effect that throws ends the loop.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OwnTroubleLoopTest {
    FakeNative nat;
    EmperorLoop loop;
    Thread thread;
    LogLines log;
    final AtomicReference<RuntimeException> starterFault = new AtomicReference<>();

    @BeforeEach
    void start() {
        log = new LogLines();
        nat = new FakeNative();
        nat.limits = new Native.Limits(1024, 1024, 4096);
        EmperorLog elog = EmperorLog.standard();
        EmperorLoop.VassalStarter plain = FakeStarters.plain(nat);
        EmperorLoop.VassalStarter starter = (f, fd) -> {
            RuntimeException e = starterFault.get();
            if (e != null) {
                throw e;
            }
            return plain.start(f, fd);
        };
        loop = new EmperorLoop(TestLoops.settings(new Lifecycle.Settings(1000, 30_000, false, false), 2000, 4000),
                TestLoops.parts(nat, starter, elog, System::currentTimeMillis, new Blacklist(1000, 180_000, elog),
                        new SnapshotFactory("test", 4242, 0, 0, "/v", List.of("/v"), false), () -> { }));
        thread = new Thread(loop::run, "test-loop");
        thread.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        nat.faults.clear();
        loop.execute(loop::ragnarok);
        for (int pid = 5000; pid < 5020; pid++) {
            if (nat.isAlive(pid)) {
                nat.vassalExits(pid, 0);
            }
        }
        thread.join(10_000);
        log.close();
    }

    static VassalSource file(String name) {
        return new VassalSource(name, Path.of("/v", name), Path.of("/v"), 1_000_000_000L, 0, 0, "/v");
    }

    void scan(List<VassalSource> files, List<LookFailed> lookFailed) {
        ScanResult r = new ScanResult("/v", true, null, files, List.of(), lookFailed, 0);
        loop.execute(() -> loop.applyScan(List.of(r)));
    }

    void scan(VassalSource... files) {
        scan(List.of(files), List.of());
    }

    VassalView view(String id) {
        EmperorSnapshot s = loop.snapshot();
        return java.util.stream.Stream.concat(s.vassals().stream(), s.waiting().stream())
                .filter(v -> v.id().equals(id)).findFirst().orElse(null);
    }

    int pidOf(String id) {
        VassalView v = view(id);
        return v == null ? -1 : v.pid();
    }

    /** A copy of the fake's calls (taken under its lock). */
    List<String> calls() {
        return new java.util.ArrayList<>(nat.calls);
    }

    long resourceErrors(String kind) {
        return loop.snapshot().loop().resourceErrors().get(kind);
    }

    /** Runs a task on the loop and waits for it: everything posted before has been applied. */
    void settle() {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        loop.execute(done::countDown);
        Await.until("the loop ran the marker task", () -> done.getCount() == 0);
    }

    @Test
    void aFailedLookKeepsTheRunningVassalAndOnlyAnAbsenceStopsIt() {
        scan(file("a.ini"));
        Await.until("a runs", () -> pidOf("a.ini") > 0);
        int pid = pidOf("a.ini");
        scan(List.of(), List.of(new LookFailed("a.ini", "not readable now: open: errno 24", Errno.EMFILE)));
        scan(List.of(), List.of(new LookFailed("a.ini", "cannot stat: Input/output error", Errno.EIO)));
        settle();
        assertEquals(pid, pidOf("a.ini"));
        assertTrue(calls().stream().noneMatch(c -> c.equals("write 50 0")), "no stop byte: " + nat.calls);
        Await.until("the line", () -> log.count("out of file descriptors (1024 in use, limit 1024): 0 vassals wait") == 1);
        assertEquals(1, log.count("cannot look at a.ini"), "EIO is logged once, as a look that failed");
        // the count is in the snapshot published at the end of that iteration, which may follow settle()
        Await.until("EMFILE counted in the snapshot", () -> resourceErrors("emfile") >= 1);

        scan(); // a successful read of the directory that no longer lists it
        Await.until("stop byte", () -> nat.calls.contains("write 50 0"));
        Await.until("cleared line", () -> log.count("out of file descriptors: cleared") == 1);
    }

    @Test
    void socketpairOutOfFdsDefersTheSpawnWithoutPenaltyAndRetriesAsSoonAsFdsComeBack() {
        scan(file("a.ini"));
        Await.until("a runs", () -> pidOf("a.ini") > 0);
        int pid = pidOf("a.ini");
        nat.faults.put("socketpair", () -> new NativeException("socketpair", Errno.EMFILE));
        scan(file("a.ini"), file("b.ini"), file("c.ini"), file("d.ini"));
        Await.until("b, c, d wait", () -> view("d.ini") != null && view("b.ini") != null && view("c.ini") != null);
        Await.until("one line", () -> log.count("out of file descriptors") == 1);
        settle();
        assertTrue(thread.isAlive(), "the loop goes on");
        assertEquals(pid, pidOf("a.ini"), "the running vassal is kept");
        assertEquals(List.of(), loop.snapshot().blacklist(), "no penalty for the Emperor's own shortage");
        assertEquals(VassalState.THROTTLED.label(), view("b.ini").state());
        String line = log.all().stream().filter(l -> l.contains("out of file descriptors")).findFirst().orElseThrow();
        assertTrue(line.contains("(1024 in use, limit 1024): 3 vassals wait; running vassals are kept"), line);
        long failedCalls = calls().stream().filter(c -> c.equals("fault socketpair")).count();
        assertEquals(1, failedCalls, "one failed call, the other spawns wait for the retry: " + nat.calls);

        Await.until(Duration.ofSeconds(5), "retried (still out of fds)", () -> calls().stream()
                .filter(c -> c.equals("fault socketpair")).count() >= 2);
        assertEquals(1, log.count("out of file descriptors"), "still one line: " + log.all());
        long before = System.nanoTime();
        nat.faults.remove("socketpair");
        Await.until(Duration.ofSeconds(5), "b, c and d start without a rescan",
                () -> pidOf("b.ini") > 0 && pidOf("c.ini") > 0 && pidOf("d.ini") > 0);
        assertTrue(System.nanoTime() - before < 2_500_000_000L, "within the backoff (2 s at most)");
        Await.until("cleared", () -> log.count("out of file descriptors: cleared") == 1);
        assertTrue(resourceErrors("emfile") >= 2);
    }

    @ParameterizedTest
    @ValueSource(ints = {Errno.EAGAIN, Errno.ENOMEM})
    void posixSpawnEagainOrEnomemIsAFailedSpawnThatWaitsAndIsRetried(int errno) {
        nat.spawnErrno = errno;
        scan(file("a.ini"));
        Await.until("a waits", () -> view("a.ini") != null && VassalState.THROTTLED.label().equals(view("a.ini").state()));
        String kind = errno == Errno.EAGAIN ? "cannot create more processes" : "out of memory";
        Await.until("one line", () -> log.count(kind) == 1);
        assertEquals(List.of(), loop.snapshot().blacklist());
        assertTrue(resourceErrors(errno == Errno.EAGAIN ? "eagain" : "enomem") >= 1);
        nat.spawnErrno = 0;
        Await.until(Duration.ofSeconds(5), "a starts", () -> pidOf("a.ini") > 0);
        assertTrue(thread.isAlive());
    }

    @Test
    void aStarterThatThrowsIsAFailedSpawnBlacklistedAndRetried() {
        starterFault.set(new IllegalStateException("file actions refused"));
        scan(file("a.ini"));
        Await.until("blacklisted", () -> loop.snapshot().blacklist().size() == 1);
        assertTrue(log.count("cannot start vassal a.ini: java.lang.IllegalStateException: file actions refused") >= 1);
        starterFault.set(null);
        Await.until(Duration.ofSeconds(5), "retried after the throttle", () -> pidOf("a.ini") > 0);
        assertTrue(thread.isAlive());
    }

    @ParameterizedTest
    @ValueSource(strings = {"read", "write", "close", "kill", "killGroup", "reapAny", "poller.add", "poller.remove"})
    void everyEffectThatThrowsLeavesTheLoopRunning(String op) {
        scan(file("a.ini"), file("b.ini"));
        Await.until("a and b run", () -> pidOf("a.ini") > 0 && pidOf("b.ini") > 0);
        nat.faults.put(op, () -> new NativeException(op, Errno.EIO));
        nat.vassalWrites(50, PipeByte.LOYAL);                         // read
        scan(file("a.ini"), new VassalSource("b.ini", Path.of("/v/b.ini"), Path.of("/v"), 2_000_000_000L, 0, 0, "/v")); // write (reload)
        scan(file("a.ini"));                                          // write (stop b)
        nat.vassalClosesPipe(52);                                     // read EOF, close
        nat.vassalExits(5001, 0);                                     // reapAny, forget b
        scan(file("a.ini"), file("c.ini"));                           // spawn: poller.add
        settle();
        assertTrue(thread.isAlive(), op + " threw: the loop goes on");
        nat.faults.clear();
        scan(file("a.ini"), file("d.ini"));
        Await.until(Duration.ofSeconds(5), "the loop still spawns after " + op + " threw", () -> pidOf("d.ini") > 0);
        Await.until(Duration.ofSeconds(5), "b is gone after its exit is reaped", () -> view("b.ini") == null);
        assertTrue(pidOf("a.ini") > 0, "a kept");
        nat.faults.put(op, () -> new NativeException(op, Errno.EIO));
        loop.execute(loop::ragnarok); // stop bytes, then after reload-mercy (2 s) kill and killGroup
        Await.until(Duration.ofSeconds(5), "NO MERCY reached", () -> log.count("NO MERCY") > 0);
        assertTrue(thread.isAlive() || log.count("The Emperor is buried") == 1,
                "a Ragnarok with " + op + " failing neither crashes nor hangs the loop");
    }
}
