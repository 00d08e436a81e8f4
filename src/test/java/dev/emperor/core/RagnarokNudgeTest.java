package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.emperor.internal.FakeNative;
import dev.emperor.source.ScanResult;
import dev.emperor.testing.Await;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * At shutdown a master that answered the stop byte by closing its pipe gets SIGINT twice shortly
 * after, which wakes it from its own loop's wait to exit at once (docs/lifecycle.md, "Ragnarok");
 * never with emperor-graceful-shutdown, never before its pipe is closed.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RagnarokNudgeTest {

    private static EmperorLoop loop(FakeNative nat, boolean graceful) {
        EmperorLog log = EmperorLog.standard();
        return new EmperorLoop(TestLoops.settings(new Lifecycle.Settings(1000, 30_000, graceful, false), 1000, 30_000),
                TestLoops.parts(nat, FakeStarters.plain(nat), log, System::currentTimeMillis, new Blacklist(1000, 180_000, log),
                        new SnapshotFactory("test", 4242, 0, 0, "/v", List.of("/v"), false), () -> { }));
    }

    private static long sigints(FakeNative nat) {
        return nat.calls.stream().filter(c -> c.equals("kill 5000 2")).count();
    }

    @Test
    void aMasterThatClosedItsPipeIsWokenTwice() throws InterruptedException {
        FakeNative nat = new FakeNative();
        EmperorLoop loop = loop(nat, false);
        Thread thread = new Thread(loop::run, "test-loop");
        thread.start();
        try {
            loop.execute(() -> loop.applyScan(List.of(new ScanResult("/v", true, null, List.of(LoopStatsTest.file("a.ini", 1)),
                    List.of(), List.of(), 0))));
            Await.until("spawned", () -> loop.snapshot().vassals().size() == 1);
            loop.execute(loop::ragnarok);
            Await.until("stop byte", () -> nat.calls.contains("write 50 0"));
            assertEquals(0, sigints(nat), "no SIGINT while the pipe is open: the master has not stopped its workers yet");
            nat.vassalClosesPipe(50);
            Await.until("two SIGINTs: " + nat.calls, () -> sigints(nat) == 2);
            nat.vassalExits(5000, 0);
            thread.join(10_000);
            assertFalse(thread.isAlive());
            assertEquals(2, sigints(nat), nat.calls.toString());
        } finally {
            loop.execute(loop::ragnarok);
            thread.join(10_000);
        }
    }

    @Test
    void notWithGracefulShutdown() throws InterruptedException {
        FakeNative nat = new FakeNative();
        EmperorLoop loop = loop(nat, true);
        Thread thread = new Thread(loop::run, "test-loop");
        thread.start();
        try {
            loop.execute(() -> loop.applyScan(List.of(new ScanResult("/v", true, null, List.of(LoopStatsTest.file("a.ini", 1)),
                    List.of(), List.of(), 0))));
            Await.until("spawned", () -> loop.snapshot().vassals().size() == 1);
            loop.execute(loop::ragnarok);
            Await.until("graceful stop byte", () -> nat.calls.contains("write 50 2"));
            nat.vassalClosesPipe(50);
            // past both nudge times, on the loop's own clock: a task queued after them has run
            Await.elapse(java.time.Duration.ofMillis(Ragnarok.NUDGE_AFTER_EOF_MS[1] + 100));
            java.util.concurrent.CountDownLatch later = new java.util.concurrent.CountDownLatch(1);
            loop.execute(later::countDown);
            later.await();
            assertEquals(0, sigints(nat), nat.calls.toString());
            nat.vassalExits(5000, 0);
            thread.join(10_000);
        } finally {
            loop.execute(loop::ragnarok);
            thread.join(10_000);
        }
    }
}
