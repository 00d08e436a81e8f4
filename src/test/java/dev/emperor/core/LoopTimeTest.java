package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.emperor.internal.FakeNative;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalSource;
import dev.emperor.protocol.PipeByte;
import dev.emperor.testing.Await;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The loop's time rules (docs/reliability-time.md, "Time and pauses"), with fake monotonic and wall
 * clocks and the fake native facade: deadlines judged after the pending pipe bytes, a pause of the
 * Emperor gives one fresh window, a wall-clock step neither kills nor throttles, bursts are spawned a
 * bounded number per iteration.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoopTimeTest {
    static final long T0 = 5_000_000L;
    static final long WALL0 = 1_800_000_000_000L;
    static final int HEARTBEAT_MS = 3000;

    final AtomicLong mono = new AtomicLong(T0);
    final AtomicLong wall = new AtomicLong(WALL0);
    /** Every reading of the monotonic clock advances it by 1 ms (time passes while the loop works). */
    volatile boolean ticking;
    final Logger logger = (Logger) LoggerFactory.getLogger("emperor");
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    FakeNative nat;
    EmperorLoop loop;
    Thread thread;

    void start(EmperorLoop.VassalStarter starter) {
        logged.start();
        logger.addAppender(logged);
        EmperorLog log = new EmperorLog(null, wall::get);
        loop = new EmperorLoop(TestLoops.settings(new Lifecycle.Settings(1000, HEARTBEAT_MS, false, false), 2000, 4000),
                TestLoops.parts(nat, starter, log, LoopClock.of(() -> ticking ? mono.incrementAndGet() : mono.get(), wall::get), new Blacklist(1000, 180_000, log),
                        new SnapshotFactory("test", 4242, 0, 0, "/v", List.of("/v"), false), () -> { }));
        thread = new Thread(loop::run, "time-test-loop");
        thread.start();
    }

    void start() {
        nat = new FakeNative();
        start(FakeStarters.plain(nat));
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (loop != null) {
            loop.execute(loop::ragnarok);
            mono.addAndGet(10_000); // past reload-mercy: whatever still runs is SIGKILLed by the fake and reaped
            loop.execute(() -> { });
            thread.join(10_000);
        }
        logger.detachAppender(logged);
    }

    static VassalSource file(String name) {
        return new VassalSource(name, Path.of("/v", name), Path.of("/v"), 1_000_000_000L, 0, 0, "/v");
    }

    void scan(VassalSource... files) {
        ScanResult r = new ScanResult("/v", true, null, List.of(files), List.of());
        loop.execute(() -> loop.applyScan(List.of(r)));
    }

    VassalView vassal(String id) {
        return loop.snapshot().vassals().stream().filter(v -> v.id().equals(id)).findFirst().orElse(null);
    }

    List<String> lines() {
        synchronized (logged) {
            return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    /** Runs one no-op task on the loop and waits until it ran and the loop waits again. */
    void wakeAndSettle() {
        AtomicInteger ran = new AtomicInteger();
        loop.execute(ran::incrementAndGet);
        Await.until("loop iteration", () -> ran.get() == 1 && nat.inAwait);
    }

    /** A running vassal a.ini (pid 5000, pipe fd 50) that sent one heartbeat at T0; the loop waits again. */
    void heartbeatingVassal() {
        scan(file("a.ini"));
        Await.until("spawn", () -> vassal("a.ini") != null && vassal("a.ini").pid() == 5000);
        nat.vassalWrites(50, PipeByte.HEARTBEAT);
        Await.until("heartbeat seen", () -> vassal("a.ini").lastHeartbeat() > 0);
        Await.until("loop waits", () -> nat.inAwait);
    }

    @Test
    void heartbeatsWaitingInThePipeAreReadBeforeTheDeadlineIsJudged() {
        start();
        nat.levelTriggered = true;
        heartbeatingVassal();
        // the vassal kept beating, but the wait came back empty (EINTR after SIGCONT): the bytes are in the pipe
        nat.vassalWritesQuietly(50, PipeByte.HEARTBEAT, PipeByte.HEARTBEAT);
        nat.interruptNextWait = true;
        mono.addAndGet(HEARTBEAT_MS + 500); // due, but within the pause slack: no pause is declared
        wakeAndSettle();
        assertFalse(nat.calls.contains("kill 5000 9"), "killed with its heartbeats unread: " + nat.calls);
        assertTrue(lines().stream().noneMatch(l -> l.contains("paused")), "not a pause: " + lines());
        // control: now it really is silent for longer than the tolerance
        mono.addAndGet(HEARTBEAT_MS + 1);
        wakeAndSettle();
        Await.until("silent vassal killed", () -> nat.calls.contains("kill 5000 9"));
    }

    @Test
    void aPausedEmperorGivesEveryVassalOneFreshWindow() {
        start();
        heartbeatingVassal();
        // the whole Emperor is frozen for 10 s (its vassals too, as in a VM pause: no bytes meanwhile)
        mono.addAndGet(10_000);
        wall.addAndGet(10_000);
        wakeAndSettle();
        assertFalse(nat.calls.contains("kill 5000 9"), "killed after the Emperor's own pause: " + nat.calls);
        assertTrue(lines().stream().anyMatch(l -> l.matches(
                "\\[emperor\\] the Emperor was paused for \\d+ s: every vassal gets a fresh heartbeat window")), lines().toString());
        mono.addAndGet(HEARTBEAT_MS);
        wakeAndSettle();
        assertFalse(nat.calls.contains("kill 5000 9"), "the fresh window lasts the whole tolerance");
        mono.addAndGet(2); // one window only: still silent after it, the vassal is killed as uWSGI would
        wakeAndSettle();
        Await.until("killed after its fresh window", () -> nat.calls.contains("kill 5000 9"));
        assertEquals(1, lines().stream().filter(l -> l.contains("was paused")).count());
    }

    @Test
    void aStoppingVassalGetsAFreshCurseToleranceAfterAPause() {
        start();
        heartbeatingVassal();
        scan(); // a.ini removed: stop byte, curse tolerance 1 s
        Await.until("stop byte", () -> nat.calls.contains("write 50 0"));
        Await.until("loop waits", () -> nat.inAwait);
        mono.addAndGet(10_000);
        wakeAndSettle();
        assertFalse(nat.calls.contains("kill 5000 9"), "SIGKILLed for the Emperor's own pause: " + nat.calls);
        mono.addAndGet(1000);
        wakeAndSettle();
        Await.until("still alive after a full tolerance: SIGKILL", () -> nat.calls.contains("kill 5000 9"));
    }

    @Test
    void aWallClockStepNeitherKillsNorThrottles() {
        start();
        heartbeatingVassal();
        scan(file("a.ini"), file("b.ini"));
        Await.until("b spawned", () -> nat.spawns.size() == 2);
        nat.vassalExits(5001, 1); // never loyal: blacklisted 1 ms, respawned
        Await.until("b blacklisted", () -> loop.snapshot().blacklist().size() == 1 && nat.inAwait);
        mono.addAndGet(2);
        wakeAndSettle();
        Await.until("b respawned", () -> nat.spawns.size() == 3);
        nat.vassalExits(5002, 1); // second failure: a 1001 ms window
        Await.until("b throttled", () -> loop.snapshot().blacklist().size() == 1
                && loop.snapshot().blacklist().get(0).throttleLevel() == 1001);
        Await.until("loop waits", () -> nat.inAwait);

        wall.addAndGet(-3_600_000); // NTP steps the clock back an hour
        mono.addAndGet(1002);
        wakeAndSettle();
        Await.until("b respawned after its 1001 ms, not an hour later", () -> nat.spawns.size() == 4);

        wall.addAndGet(7_200_000); // and forward two hours
        nat.vassalWrites(50, PipeByte.HEARTBEAT);
        Await.until("heartbeat", () -> vassal("a.ini").lastHeartbeat() >= (WALL0 + 3_600_000) / 1000);
        mono.addAndGet(HEARTBEAT_MS - 1000);
        wakeAndSettle();
        assertFalse(nat.calls.stream().anyMatch(c -> c.startsWith("kill ")), "nothing killed: " + nat.calls);
        assertEquals(1001, loop.snapshot().blacklist().get(0).throttleLevel(), "throttle level unchanged by the steps");
        assertTrue(lines().stream().noneMatch(l -> l.contains("paused")), "a wall step is not a pause: " + lines());
        // the stats still show wall times: the last heartbeat reads on the stepped wall clock
        long shown = vassal("a.ini").lastHeartbeat();
        assertTrue(Math.abs(shown - wall.get() / 1000) <= 3, "last_heartbeat " + shown + " vs wall " + wall.get() / 1000);
    }

    @Test
    void aBurstIsSpawnedABoundedNumberPerIterationWithReapsBetween() {
        nat = new FakeNative();
        EmperorLoop.VassalStarter plain = FakeStarters.plain(nat);
        AtomicInteger maxZombies = new AtomicInteger();
        // every vassal exits as soon as it is started: its exit waits for the loop's next reap
        start((f, fd) -> {
            EmperorLoop.Start s = plain.start(f, fd);
            nat.vassalExits(s.outcome().pid(), 1);
            maxZombies.accumulateAndGet(nat.pendingExits(), Math::max);
            return s;
        });
        VassalSource[] files = new VassalSource[500];
        for (int i = 0; i < files.length; i++) {
            files[i] = file("v" + i + ".ini");
        }
        scan(files);
        Await.until("every vassal of the burst started", () -> nat.spawns.size() >= files.length);
        assertTrue(maxZombies.get() <= SpawnQueue.PER_ITERATION,
                "at most one iteration's spawns wait for a reap, not the burst: " + maxZombies.get());
        assertTrue(maxZombies.get() > 1, "the burst did pile up within an iteration: " + maxZombies.get());
    }

    @Test
    void vassalsNeverStartedGetTheSlotsBeforeCrashLoopingOnesThatAreDueAgain() {
        nat = new FakeNative();
        EmperorLoop.VassalStarter plain = FakeStarters.plain(nat);
        ticking = true; // 1 ms throttles pass while the burst is being spawned
        start((f, fd) -> {
            EmperorLoop.Start s = plain.start(f, fd);
            nat.vassalExits(s.outcome().pid(), 1);
            return s;
        });
        int n = 300;
        VassalSource[] files = new VassalSource[n];
        for (int i = 0; i < n; i++) {
            files[i] = file("v" + i + ".ini");
        }
        scan(files);
        Await.until("the burst and some respawns", () -> nat.spawns.size() >= n + 50);
        List<String> first;
        synchronized (nat.spawns) { // the loop thread keeps spawning
            first = nat.spawns.subList(0, n).stream().map(r -> r.argv().get(2)).toList();
        }
        assertEquals(n, first.stream().distinct().count(), "every new vassal started once before any respawn");
    }
}
