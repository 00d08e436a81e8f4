package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.FakeNative;
import dev.emperor.source.ScanResult;
import dev.emperor.source.Skipped;
import dev.emperor.source.VassalSource;
import dev.emperor.protocol.PipeByte;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import dev.emperor.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loop with the fake native facade: scans in, pipe bytes in, reaping, Ragnarok out. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class EmperorLoopTest {
    FakeNative nat;
    EmperorLoop loop;
    Thread thread;
    final AtomicInteger rescans = new AtomicInteger();
    volatile int exitStatus = -1;

    @BeforeEach
    void start() {
        nat = new FakeNative();
        EmperorLog log = EmperorLog.standard();
        loop = new EmperorLoop(TestLoops.settings(new Lifecycle.Settings(1000, 30_000, false, false), 2000, 4000),
                TestLoops.parts(nat, FakeStarters.plain(nat), log, System::currentTimeMillis, new Blacklist(1000, 180_000, log),
                        new SnapshotFactory("test", 4242, 0, 0, "/v", List.of("/v"), false), rescans::incrementAndGet));
        thread = new Thread(() -> exitStatus = loop.run(), "test-loop");
        thread.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.execute(loop::ragnarok);
        thread.join(10_000);
    }


    static VassalSource file(String name, long mtime) {
        return new VassalSource(name, Path.of("/v", name), Path.of("/v"), mtime, 0, 0, "/v");
    }

    void scan(VassalSource... files) {
        ScanResult r = new ScanResult("/v", true, null, List.of(files), List.of(new Skipped("x.ini", "not a regular file (directory)")));
        loop.execute(() -> loop.applyScan(List.of(r)));
    }

    VassalView vassal(String id) {
        return loop.snapshot().vassals().stream().filter(v -> v.id().equals(id)).findFirst().orElse(null);
    }

    @Test
    void scanSpawnsBytesUpdateStatsAndRemovalStops() {
        scan(file("a.ini", 1_000_000_000L));
        Await.until("spawn", () -> vassal("a.ini") != null && vassal("a.ini").pid() > 0);
        int fd = 50;
        nat.vassalWrites(fd, PipeByte.SPAWNED, PipeByte.ACCEPTING, PipeByte.LOYAL);
        Await.until("loyal", () -> vassal("a.ini").loyal() && vassal("a.ini").ready() && vassal("a.ini").accepting());
        assertEquals(List.of("uwsgi", "--ini", "a.ini"), nat.spawns.get(0).argv());
        scan();
        Await.until("stop byte", () -> nat.calls.contains("write 50 0"));
        int pid = vassal("a.ini").pid();
        nat.vassalClosesPipe(fd);
        nat.vassalExits(pid, 0);
        Await.until("removed", () -> vassal("a.ini") == null);
        assertTrue(rescans.get() > 0, "a death triggers a rescan");
    }

    @Test
    void crashBeforeLoyaltyShowsInTheBlacklistAndRespawns() {
        scan(file("bad.ini", 1));
        Await.until("spawn", () -> nat.spawns.size() == 1);
        nat.vassalExits(5000, 1);
        Await.until("blacklisted", () -> loop.snapshot().blacklist().size() == 1);
        Await.until("respawned after 1 ms", () -> nat.spawns.size() == 2);
        nat.vassalExits(5001, 1);
        Await.until("throttle 1001", () -> !loop.snapshot().blacklist().isEmpty()
                && loop.snapshot().blacklist().get(0).throttleLevel() == 1001);
        assertEquals(2, nat.spawns.size(), "throttled for a second");
        loop.execute(loop::clearBlacklist);
        Await.until("SIGURG clears and respawns", () -> nat.spawns.size() == 3 && loop.snapshot().blacklist().isEmpty());
    }

    @Test
    void ragnarokStopsEveryoneAndEndsWithStatusZero() throws InterruptedException {
        scan(file("a.ini", 1), file("b.ini", 1));
        Await.until("two spawns", () -> nat.spawns.size() == 2);
        loop.execute(loop::ragnarok);
        Await.until("stop bytes", () -> nat.calls.contains("write 50 0") && nat.calls.contains("write 52 0"));
        nat.vassalExits(5000, 0);
        // b ignores the stop: after reload-mercy (2 s) it is SIGKILLed with its process group
        Await.until("no mercy", () -> nat.calls.contains("killGroup 5001 9"));
        thread.join(5000);
        assertEquals(0, exitStatus);
        assertTrue(nat.calls.stream().noneMatch(c -> c.startsWith("kill -") || c.startsWith("kill 0")), "never kill(-1) or kill(0)");
    }

    @Test
    void newerMtimeReloadsAndSighupReloadsAll() {
        scan(file("a.ini", 1_000_000_000L));
        Await.until("spawn", () -> vassal("a.ini") != null);
        scan(file("a.ini", 1_000_000_001L));
        Await.until("reload byte", () -> nat.calls.contains("write 50 1"));
        Await.until("respawns 1", () -> vassal("a.ini").respawns() == 1);
        loop.execute(loop::reloadAll);
        Await.until("respawns 2", () -> vassal("a.ini").respawns() == 2);
    }
}
