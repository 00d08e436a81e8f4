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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A vassal's last exit (code or signal, and when) is kept across the fresh record a crash makes, and every
 * counter the metrics export only grows: uWSGI's per-record {@code respawns} restarts at 0, ours do not.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class VassalExitsTest {
    static final long T0 = 1_795_803_200_000L;
    final AtomicLong clock = new AtomicLong(T0);
    FakeNative nat;
    EmperorLoop loop;
    Thread thread;

    @BeforeEach
    void start() {
        nat = new FakeNative();
        loop = TestLoops.plain(nat, clock::get);
        thread = new Thread(loop::run, "test-loop");
        thread.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.execute(loop::ragnarok);
        thread.join(10_000);
    }

    void scan(VassalSource... files) {
        ScanResult r = new ScanResult("/v", true, null, List.of(files), List.of());
        loop.execute(() -> loop.applyScan(List.of(r)));
    }

    static VassalSource file(String name, long mtimeNanos) {
        return new VassalSource(name, Path.of("/v", name), Path.of("/v"), mtimeNanos, 0, 0, "/v", Map.of(), null, null);
    }

    VassalView vassal(String id) {
        return loop.snapshot().vassals().stream().filter(v -> v.id().equals(id)).findFirst().orElse(null);
    }

    /** Listed or waiting (throttled vassals are not in uWSGI's list). */
    VassalView known(String id) {
        VassalView v = vassal(id);
        return v != null ? v : loop.snapshot().waiting().stream().filter(w -> w.id().equals(id)).findFirst().orElse(null);
    }

    @Test
    void lastExitAndMonotonicCountersSurviveACrash() {
        scan(file("a.ini", 1_000_000_000L));
        Await.until("spawn", () -> vassal("a.ini") != null && vassal("a.ini").pid() == 5000);
        assertEquals(VassalExits.NONE.lastExitCode(), vassal("a.ini").exits().lastExitCode());
        assertTrue(!vassal("a.ini").exits().exitedOnce(), "nothing exited yet");
        nat.vassalWrites(50, PipeByte.SPAWNED, PipeByte.ACCEPTING, PipeByte.LOYAL);
        Await.until("loyal", () -> vassal("a.ini").loyal());
        scan(file("a.ini", 2_000_000_000L)); // touched: one reload
        Await.until("reloaded", () -> vassal("a.ini").respawns() == 1);
        LoopStats before = loop.snapshot().loop();

        clock.set(T0 + 7_000);
        nat.vassalExits(5000, 22);
        Await.until("respawned", () -> vassal("a.ini") != null && vassal("a.ini").pid() == 5001);
        VassalView v = vassal("a.ini");
        assertEquals(0, v.respawns(), "uWSGI's respawns: a crash makes a fresh record");
        assertEquals(1, v.exits().earlierRespawns(), "ours keep the reload");
        assertEquals(2, v.exits().starts());
        assertEquals(1, v.exits().deaths());
        assertEquals(22, v.exits().lastExitCode());
        assertEquals(0, v.exits().lastExitSignal());
        assertEquals(T0 + 7_000, v.exits().lastExitMillis(), "the time of the reap");

        clock.set(T0 + 9_000);
        nat.kill(5001, FakeNative.SIGKILL); // before loyalty: blacklisted, waits (the fake clock stands still)
        Await.until("killed", () -> known("a.ini") != null && known("a.ini").exits().deaths() == 2);
        v = known("a.ini");
        assertEquals(-1, v.exits().lastExitCode(), "killed: no exit status");
        assertEquals(9, v.exits().lastExitSignal());
        assertEquals(T0 + 9_000, v.exits().lastExitMillis());
        assertEquals(2, v.exits().starts(), "throttled, not started again yet");
        assertEquals(1, v.exits().earlierRespawns() + v.respawns());
        LoopStats after = loop.snapshot().loop();
        assertTrue(after.spawns() == before.spawns() + 1 && after.respawns() == before.respawns() + 1
                && after.reloads() == before.reloads(), before + " -> " + after);
    }

    @Test
    void globalCountersNeverDecreaseWhenAVassalIsForgotten() {
        scan(file("a.ini", 1), file("b.ini", 1));
        Await.until("two spawns", () -> nat.spawns.size() == 2);
        nat.vassalExits(5000, 1); // a crashes and respawns: 3 starts, 1 of them a respawn
        Await.until("blacklisted", () -> loop.snapshot().blacklist().size() == 1);
        clock.set(T0 + 2_000); // past its throttle window
        loop.execute(() -> { });
        Await.until("respawn", () -> nat.spawns.size() == 3);
        // the snapshot is published at the end of the iteration that spawned: wait for it, not for the spawn
        Await.until("respawn published", () -> loop.snapshot().loop().spawns() == 3);
        LoopStats before = loop.snapshot().loop();
        scan(file("b.ini", 1)); // a.ini removed
        Await.until("stop byte to a", () -> nat.calls.contains("write 54 0"));
        nat.vassalClosesPipe(54);
        nat.vassalExits(5002, 0);
        Await.until("a forgotten", () -> vassal("a.ini") == null);
        LoopStats after = loop.snapshot().loop();
        assertEquals(before.spawns(), after.spawns(), "the forgotten record's starts are kept");
        assertEquals(before.respawns(), after.respawns());
        assertEquals(3, after.spawns());
        assertEquals(1, after.respawns());
    }
}
