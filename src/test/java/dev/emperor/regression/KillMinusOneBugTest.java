package dev.emperor.regression;

import dev.emperor.testing.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.core.Blacklist;
import dev.emperor.core.EmperorLog;
import dev.emperor.core.EmperorLoop;
import dev.emperor.core.FakeStarters;
import dev.emperor.core.Lifecycle;
import dev.emperor.core.TestLoops;
import dev.emperor.core.SnapshotFactory;
import dev.emperor.internal.FakeNative;
import dev.emperor.internal.JnrNative;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * uWSGI BUG, critical (lifecycle §11, verified): pid-less records (sleeping on-demand vassals) reach
 * Ragnarok's "NO MERCY" step and uWSGI calls {@code kill(-1, SIGKILL)}, killing every process the
 * user may signal. Here pid-less records (throttled ones) are forgotten at Ragnarok, nothing ever
 * signals or waits for a pid &lt;= 0, and the native facade refuses such a call outright.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class KillMinusOneBugTest {

    @Test
    void nativeFacadeRefusesNonPositivePids() {
        JnrNative nat = JnrNative.load();
        assertThrows(IllegalArgumentException.class, () -> nat.kill(-1, 9));
        assertThrows(IllegalArgumentException.class, () -> nat.kill(0, 9));
        assertThrows(IllegalArgumentException.class, () -> nat.killGroup(1, 9));
        assertThrows(IllegalArgumentException.class, () -> nat.killGroup(-1, 9));
    }

    @Test
    void ragnarokWithPidlessAndStubbornVassalsSignalsOnlyRealPids() throws Exception {
        FakeNative nat = new FakeNative();
        EmperorLoop loop = newLoop(nat);
        java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = runLoop(loop, outcome);
        List<VassalSource> files = List.of("a.ini", "b.ini", "c.ini").stream()
                .map(n -> new VassalSource(n, Path.of("/v", n), Path.of("/v"), 1, 0, 0, "/v")).toList();
        loop.execute(() -> loop.applyScan(List.of(new ScanResult("/v", true, null, files, List.of()))));
        Await.until("three spawns", () -> nat.spawns.size() >= 3);
        assertEquals(3, nat.spawns.size(), "three vassals spawned");
        nat.vassalExits(5000, 1); // a.ini and b.ini crash before loyalty: throttled, pid -1
        nat.vassalExits(5001, 1);
        Await.until("two blacklist entries", () -> loop.snapshot().blacklist().size() >= 2);
        assertEquals(2, loop.snapshot().blacklist().size(), "a.ini and b.ini crashed and are throttled, pid-less");
        nat.spawnErrno = 11; // their respawns fail: they stay pid-less
        loop.execute(loop::ragnarok); // c.ini ignores its stop byte: NO MERCY after 1 s
        t.join(10_000);
        assertTrue(!t.isAlive(), "Ragnarok completed");
        assertEquals(0, outcome.get(), "the loop ended normally (a refused kill(-1) would end it with an exception)");
        List<String> kills;
        synchronized (nat.calls) {
            kills = nat.calls.stream().filter(c -> c.startsWith("kill")).toList();
        }
        assertTrue(kills.stream().allMatch(c -> Integer.parseInt(c.split(" ")[1]) > 1), kills.toString());
        assertTrue(kills.contains("killGroup 5002 9"), kills.toString());
        assertEquals(0, kills.stream().filter(c -> c.contains(" -")).count());
    }

    /** The spec's own reproduction: two sleeping on-demand vassals (pid -1) and one ignoring its stop byte. */
    @Test
    void ragnarokWithSleepingOnDemandVassalsSignalsOnlyTheStubbornOne() throws Exception {
        FakeNative nat = new FakeNative();
        EmperorLoop loop = newLoop(nat);
        java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = runLoop(loop, outcome);
        List<VassalSource> files = List.of(
                new VassalSource("od1.ini", Path.of("/v/od1.ini"), Path.of("/v"), 1, 0, 0, "/v", Map.of(), null, "/run/od1.sock"),
                new VassalSource("od2.ini", Path.of("/v/od2.ini"), Path.of("/v"), 1, 0, 0, "/v", Map.of(), null, "127.0.0.1:9"),
                new VassalSource("stubborn.ini", Path.of("/v/stubborn.ini"), Path.of("/v"), 1, 0, 0, "/v"));
        loop.execute(() -> loop.applyScan(List.of(new ScanResult("/v", true, null, files, List.of()))));
        // the snapshot is published at the end of the loop iteration: wait for it, not only for the calls
        Await.until("one spawn, two sleepers", () -> nat.spawns.size() >= 1 && nat.listening.size() >= 2
                && loop.snapshot().vassals().stream().filter(v -> v.pid() == -1).count() >= 2);
        assertEquals(2, loop.snapshot().vassals().stream().filter(v -> v.pid() == -1).count(), "two sleepers listed with pid -1");
        loop.execute(loop::ragnarok);
        t.join(10_000);
        assertTrue(!t.isAlive(), "Ragnarok completed");
        assertEquals(0, outcome.get(), "the loop ended normally (a refused kill(-1) would end it with an exception)");
        List<String> kills;
        synchronized (nat.calls) {
            kills = nat.calls.stream().filter(c -> c.startsWith("kill")).toList();
        }
        assertEquals(List.of("killGroup 5000 9", "kill 5000 9"), kills);
        assertTrue(nat.listening.isEmpty(), "the sleepers' sockets were closed");
    }

    /** Runs the loop on its own thread; {@code outcome} gets its exit status, or the Throwable that ended it. */
    private static Thread runLoop(EmperorLoop loop, java.util.concurrent.atomic.AtomicReference<Object> outcome) {
        Thread t = new Thread(() -> {
            try {
                outcome.set(loop.run());
            } catch (Throwable e) {
                outcome.set(e);
            }
        }, "loop");
        t.start();
        return t;
    }

    /** A loop on the fake facade with reload-mercy 1 s (a vassal ignoring its stop byte gets NO MERCY quickly). */
    private static EmperorLoop newLoop(FakeNative nat) {
        EmperorLog log = EmperorLog.standard();
        return new EmperorLoop(TestLoops.settings(new Lifecycle.Settings(30_000, 30_000, false, false), 1000, 1000),
                TestLoops.parts(nat, FakeStarters.plain(nat), log, System::currentTimeMillis, new Blacklist(1000, 180_000, log),
                        new SnapshotFactory("t", 4242, 0, 0, "/v", List.of("/v"), false), () -> { }));
    }
}
