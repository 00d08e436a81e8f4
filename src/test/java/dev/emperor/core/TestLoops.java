package dev.emperor.core;

import dev.emperor.internal.Native;
import dev.emperor.spawn.HelperChildren;
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
}
