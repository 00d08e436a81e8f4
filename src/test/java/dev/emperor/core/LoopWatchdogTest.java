package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.FakeNative;
import dev.emperor.testing.Await;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The loop calls its hooks at their deadline with nothing else to do, and stops calling them while
 * one of its own tasks blocks it: a hung loop stops the watchdog pings (docs/operations.md).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LoopWatchdogTest {

    @Test
    void hooksAreCalledAtTheirDeadlineAndNotWhileTheLoopIsStuck() throws Exception {
        FakeNative nat = new FakeNative();
        EmperorLog log = EmperorLog.standard();
        AtomicInteger pings = new AtomicInteger();
        AtomicInteger stops = new AtomicInteger();
        LoopHooks hooks = new LoopHooks() {
            long next = System.nanoTime();

            @Override
            public void iterationDone(int governed) {
                if (System.nanoTime() - next >= 0) {
                    pings.incrementAndGet();
                    next = System.nanoTime() + 20_000_000L;
                }
            }

            @Override
            public long millisUntilDue() {
                return Math.max(0, (next - System.nanoTime()) / 1_000_000);
            }

            @Override
            public void stopping() {
                stops.incrementAndGet();
            }
        };
        LoopParts parts = TestLoops.parts(nat, FakeStarters.plain(nat), log, System::currentTimeMillis, new Blacklist(1000, 180_000, log),
                new SnapshotFactory("test", 4242, 0, 0, "/v", List.of("/v"), false), () -> { });
        EmperorLoop loop = new EmperorLoop(TestLoops.settings(new Lifecycle.Settings(1000, 30_000, false, false), 2000, 4000),
                new LoopParts(parts.nat(), parts.starter(), parts.log(), parts.clocks(), parts.blacklist(), parts.snapshots(),
                        parts.rescan(), parts.scanUsesReserve(), parts.helpers(), hooks));
        Thread thread = new Thread(loop::run, "test-loop");
        thread.start();
        try {
            Await.until("pings on an idle loop", () -> pings.get() >= 5);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch blocked = new CountDownLatch(1);
            loop.execute(() -> {
                blocked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(blocked.await(5, TimeUnit.SECONDS));
            int before = pings.get();
            new CountDownLatch(1).await(300, TimeUnit.MILLISECONDS); // 15 periods of a stuck loop
            assertEquals(before, pings.get(), "no ping while the loop is stuck");
            release.countDown();
            Await.until("pings again", () -> pings.get() >= before + 3);
        } finally {
            loop.execute(loop::ragnarok);
            thread.join(10_000);
        }
        assertEquals(1, stops.get(), "Ragnarok told the hooks");
    }
}
