package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.FakeNative;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalSource;
import dev.emperor.protocol.PipeByte;
import dev.emperor.testing.Await;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The daemon-wide counters the loop publishes with each snapshot (for /metrics). */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LoopStatsTest {

    static VassalSource file(String name, long mtime) {
        return new VassalSource(name, Path.of("/v", name), Path.of("/v"), mtime, 0, 0, "/v");
    }

    @Test
    void spawnsRespawnsReloadsAndKillsAreCountedAndSurviveForgetting() throws InterruptedException {
        FakeNative nat = new FakeNative();
        EmperorLog log = EmperorLog.standard();
        EmperorLoop loop = new EmperorLoop(TestLoops.settings(new Lifecycle.Settings(1000, 30_000, false, false), 1000, 4000),
                TestLoops.parts(nat, FakeStarters.plain(nat), log, System::currentTimeMillis, new Blacklist(1000, 180_000, log),
                        new SnapshotFactory("test", 4242, 0, 0, "/v", List.of("/v"), false), () -> { }));
        Thread thread = new Thread(loop::run, "test-loop");
        thread.start();
        try {
            assertEquals(LoopStats.NONE, loop.snapshot().loop());
            ScanResult both = new ScanResult("/v", true, null, List.of(file("a.ini", 1_000_000_000L), file("b.ini", 1)), List.of(), List.of(), 0);
            loop.execute(() -> loop.applyScan(List.of(both)));
            Await.until("two spawns", () -> loop.snapshot().loop().spawns() == 2);
            assertEquals(0, loop.snapshot().loop().respawns());
            nat.vassalWrites(50, PipeByte.LOYAL);
            nat.vassalExits(5001, 1); // b crashes and is respawned at once (first penalty 1 ms)
            Await.until("respawn", () -> loop.snapshot().loop().spawns() == 3 && loop.snapshot().loop().respawns() == 1);

            ScanResult touched = new ScanResult("/v", true, null, List.of(file("a.ini", 1_000_000_001L), file("b.ini", 1)), List.of(), List.of(), 0);
            loop.execute(() -> loop.applyScan(List.of(touched)));
            Await.until("reload", () -> loop.snapshot().loop().reloads() == 1);
            loop.execute(loop::reloadAll);
            Await.until("reload all (a and b)", () -> loop.snapshot().loop().reloads() == 3);

            ScanResult onlyA = new ScanResult("/v", true, null, List.of(file("a.ini", 1_000_000_001L)), List.of(), List.of(), 0);
            loop.execute(() -> loop.applyScan(List.of(onlyA)));
            Await.until("stop byte to b", () -> nat.calls.contains("write 54 0"));
            nat.vassalExits(5002, 0);
            Await.until("b forgotten", () -> loop.snapshot().vassals().size() == 1);
            LoopStats after = loop.snapshot().loop();
            assertEquals(3, after.spawns(), "a forgotten vassal's starts still count");
            assertEquals(1, after.respawns());
            assertTrue(after.lastIterationNanos() > 0, after.toString());

            loop.execute(loop::ragnarok); // a ignores its stop byte: SIGKILL after reload-mercy (1 s)
            thread.join(10_000);
            assertEquals(1, loop.snapshot().loop().kills(), nat.calls.toString());
        } finally {
            loop.execute(loop::ragnarok);
            thread.join(10_000);
        }
    }
}
