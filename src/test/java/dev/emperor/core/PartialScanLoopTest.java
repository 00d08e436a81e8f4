package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.emperor.internal.FakeNative;
import dev.emperor.source.LookFailed;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalSource;
import dev.emperor.testing.Await;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A targeted look ({@link ScanResult#partial}: the entries an inotify event named) starts the vassals it
 * lists at once, and concludes nothing from what it does not list: a vassal absent from it, or named in it
 * as left to the full scan (a file that vanished between the event and its stat), keeps running; only a
 * full scan that no longer lists it stops it.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PartialScanLoopTest {
    FakeNative nat;
    EmperorLoop loop;
    Thread thread;

    @BeforeEach
    void start() {
        nat = new FakeNative();
        loop = TestLoops.plain(nat, System::currentTimeMillis);
        thread = new Thread(loop::run, "test-loop");
        thread.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.execute(loop::ragnarok);
        thread.join(10_000);
    }

    void apply(ScanResult r) {
        loop.execute(() -> loop.applyScan(List.of(r)));
    }

    VassalView vassal(String id) {
        return loop.snapshot().vassals().stream().filter(v -> v.id().equals(id)).findFirst().orElse(null);
    }

    @Test
    void aPartialLookStartsWhatItListsAndStopsNothing() {
        VassalSource a = EmperorLoopTest.file("a.ini", 1_000_000_000L);
        VassalSource b = EmperorLoopTest.file("b.ini", 1_000_000_000L);
        apply(new ScanResult("/v", true, null, List.of(a), List.of()));
        Await.until("a spawned", () -> nat.spawns.size() == 1);

        // b's file appeared, and the same event named a, which vanished before its stat
        apply(ScanResult.partial("/v", List.of(b), List.of(new LookFailed("a.ini", "left to the full scan", 0))));
        Await.until("b spawned from the targeted look", () -> nat.spawns.size() == 2);
        // a barrier: once this runs, the partial result before it has been applied
        apply(ScanResult.partial("/v", List.of()));
        Await.until("applied", () -> vassal("b.ini") != null);
        assertNotNull(vassal("a.ini"), "a is not concluded gone from a look that did not list it");
        assertFalse(nat.calls.contains("write 50 0"), "no stop byte for a: " + nat.calls);

        // the full scan that follows reads the directory: a is gone indeed
        apply(new ScanResult("/v", true, null, List.of(b), List.of()));
        Await.until("a's stop byte after the full scan", () -> nat.calls.contains("write 50 0"));
        assertEquals(2, nat.spawns.size());
    }
}
