package dev.emperor.core;

import java.util.function.Predicate;

/**
 * The loop's options, fixed before it is built (docs/architecture.md, "Building the loop").
 *
 * @param lifecycle        what the lifecycle table needs (tolerances, heartbeat, Tyrant...)
 * @param reloadMercyMs    Ragnarok: how long vassals get to exit before SIGKILL ({@code reload-mercy})
 * @param parentCheckMs    how long an adopted pid may take to become the Emperor's child
 * @param onDemandBacklog  the {@code listen} backlog of on-demand sockets ({@code listen}, 100 by default)
 * @param waitsForCommand  which new vassals wait for a spawn command ({@code emperor-wait-for-command})
 */
public record LoopSettings(Lifecycle.Settings lifecycle, long reloadMercyMs, long parentCheckMs, int onDemandBacklog,
                           Predicate<String> waitsForCommand) {
}
