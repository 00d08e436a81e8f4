package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.FakeNative;
import dev.emperor.source.ScanResult;
import dev.emperor.testing.Await;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The loop's word to the scanner (docs/operations.md, "Idle cost"): settled while every vassal runs,
 * not while one is stopping (a newer mtime seen then is acted on only by a later rescan) or gone.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LoopSettledTest {

    private static boolean settled(EmperorLoop loop) throws Exception {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(loop.settled()));
        return f.get(5, TimeUnit.SECONDS);
    }

    @Test
    void settledOnlyWhileEveryVassalRuns() throws Exception {
        FakeNative nat = new FakeNative();
        EmperorLog log = EmperorLog.standard();
        EmperorLoop loop = new EmperorLoop(TestLoops.settings(new Lifecycle.Settings(1000, 30_000, false, false), 1000, 30_000),
                TestLoops.parts(nat, FakeStarters.plain(nat), log, System::currentTimeMillis, new Blacklist(1000, 180_000, log),
                        new SnapshotFactory("test", 4242, 0, 0, "/v", List.of("/v"), false), () -> { }));
        Thread thread = new Thread(loop::run, "test-loop");
        thread.start();
        try {
            assertTrue(settled(loop), "nothing at all: settled");
            ScanResult one = new ScanResult("/v", true, null, List.of(LoopStatsTest.file("a.ini", 1)), List.of(), List.of(), 0);
            loop.execute(() -> loop.applyScan(List.of(one)));
            Await.until("spawned", () -> loop.snapshot().vassals().size() == 1);
            assertTrue(settled(loop), "one vassal running");

            ScanResult none = new ScanResult("/v", true, null, List.of(), List.of(), List.of(), 0);
            loop.execute(() -> loop.applyScan(List.of(none)));
            Await.until("stop byte", () -> nat.calls.contains("write 50 0"));
            assertFalse(settled(loop), "a vassal stopping");
            nat.vassalExits(5000, 0);
            Await.until("forgotten", () -> loop.snapshot().vassals().isEmpty());
            assertTrue(settled(loop));
        } finally {
            loop.execute(loop::ragnarok);
            thread.join(10_000);
        }
    }
}
