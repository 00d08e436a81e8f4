package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.emperor.internal.FakeNative;
import dev.emperor.source.ScanResult;
import dev.emperor.testing.Await;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stats snapshot is built when someone reads it, not after every loop iteration: iterations
 * nobody reads about build nothing (docs/operations.md, "Idle cost"), and a read sees the table as
 * it is at that moment.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SnapshotOnDemandTest {

    @Test
    void iterationsWithoutAReaderBuildNoSnapshot() throws InterruptedException {
        FakeNative nat = new FakeNative();
        EmperorLog log = EmperorLog.standard();
        EmperorLoop loop = new EmperorLoop(TestLoops.settings(new Lifecycle.Settings(1000, 30_000, false, false), 1000, 4000),
                TestLoops.parts(nat, FakeStarters.plain(nat), log, System::currentTimeMillis, new Blacklist(1000, 180_000, log),
                        new SnapshotFactory("test", 4242, 0, 0, "/v", List.of("/v"), false), () -> { }));
        Thread thread = new Thread(loop::run, "test-loop");
        thread.start();
        try {
            ScanResult two = new ScanResult("/v", true, null, List.of(LoopStatsTest.file("a.ini", 1), LoopStatsTest.file("b.ini", 1)),
                    List.of(), List.of(), 0);
            loop.execute(() -> loop.applyScan(List.of(two)));
            Await.until("two vassals listed", () -> loop.snapshot().vassals().size() == 2);

            EmperorSnapshot read = loop.snapshot();
            assertSame(read, loop.lastBuilt());
            CountDownLatch iterations = new CountDownLatch(50);
            for (int i = 0; i < 50; i++) {
                loop.execute(iterations::countDown); // each wakes the loop: iterations, nobody reading
            }
            iterations.await();
            loop.execute(() -> loop.applyScan(List.of(two))); // a rescan that changes nothing
            CountDownLatch applied = new CountDownLatch(1);
            loop.execute(applied::countDown);
            applied.await();
            assertSame(read, loop.lastBuilt(), "no reader, no snapshot built");

            EmperorSnapshot again = loop.snapshot();
            assertNotSame(read, again, "a read after iterations builds one");
            assertSame(again, loop.lastBuilt());
            assertEquals(2, again.vassals().size());
        } finally {
            loop.execute(loop::ragnarok);
            nat.vassalExits(5001, 0);
            nat.vassalExits(5002, 0);
            thread.join(10_000);
        }
    }
}
