package dev.emperor.core;

import dev.emperor.internal.Native;
import dev.emperor.spawn.HelperChildren;
import java.util.List;
import java.util.function.LongSupplier;

/** Loops for tests: the settings and parts of {@link EmperorLoop} with the daemon's defaults for the rest. */
public final class TestLoops {
    private TestLoops() {
    }

    /** Backlog 100, no vassal waits for a command. */
    public static LoopSettings settings(Lifecycle.Settings lifecycle, long reloadMercyMs, long parentCheckMs) {
        return new LoopSettings(lifecycle, reloadMercyMs, parentCheckMs, 100, name -> false);
    }

    /** One clock as both monotonic and wall clock; no scanner reserve, no helper children, no hooks. */
    public static LoopParts parts(Native nat, EmperorLoop.VassalStarter starter, EmperorLog log, LongSupplier clock,
                                  Blacklist blacklist, SnapshotFactory snapshots, Runnable rescan) {
        return parts(nat, starter, log, LoopClock.single(clock), blacklist, snapshots, rescan);
    }

    /** As above, with {@code hooks} told about the loop's events. */
    public static LoopParts parts(Native nat, EmperorLoop.VassalStarter starter, EmperorLog log, LongSupplier clock,
                                  Blacklist blacklist, SnapshotFactory snapshots, LoopHooks hooks) {
        return new LoopParts(nat, starter, log, LoopClock.single(clock), blacklist, snapshots, () -> { }, () -> false,
                new HelperChildren(nat), hooks);
    }

    public static LoopParts parts(Native nat, EmperorLoop.VassalStarter starter, EmperorLog log, LoopClock clocks,
                                  Blacklist blacklist, SnapshotFactory snapshots, Runnable rescan) {
        return new LoopParts(nat, starter, log, clocks, blacklist, snapshots, rescan, () -> false,
                new HelperChildren(nat), LoopHooks.NONE);
    }

    /**
     * The loop most loop tests run: uWSGI's throttle (1 s, at most 180 s), reload-mercy 2 s, a parent check
     * every 4 s, plain fake spawns, the standard log, no rescan.
     */
    public static EmperorLoop plain(dev.emperor.internal.FakeNative nat, LongSupplier clock) {
        EmperorLog log = EmperorLog.standard();
        return new EmperorLoop(settings(new Lifecycle.Settings(1000, 30_000, false, false), 2000, 4000),
                parts(nat, FakeStarters.plain(nat), log, clock, new Blacklist(1000, 180_000, log),
                        new SnapshotFactory("test", 4242, 0, 0, "/v", List.of("/v"), false), () -> { }));
    }
}
