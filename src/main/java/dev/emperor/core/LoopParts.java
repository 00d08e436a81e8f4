package dev.emperor.core;

import dev.emperor.internal.Native;
import dev.emperor.spawn.HelperChildren;
import java.util.function.BooleanSupplier;

/**
 * Who the loop works with, handed over once when it is built (docs/architecture.md, "Building the
 * loop"): there is nothing to set on a loop afterwards.
 *
 * @param rescan          asks the scanner for a scan now (uWSGI rescans after every death)
 * @param scanUsesReserve whether the scanner is looking with its reserve fds right now: while the
 *                        Emperor is out of fds, spawns wait for that scan to end (docs/reliability.md)
 * @param helpers         helper processes started by other threads (emperor-on-demand-exec) whose
 *                        exits the loop's waitpid(-1) must hand over rather than take
 * @param hooks           readiness and watchdog (docs/operations.md, "sd_notify")
 */
public record LoopParts(Native nat, EmperorLoop.VassalStarter starter, EmperorLog log, LoopClock clocks,
                        Blacklist blacklist, SnapshotFactory snapshots, Runnable rescan,
                        BooleanSupplier scanUsesReserve, HelperChildren helpers, LoopHooks hooks) {
}
