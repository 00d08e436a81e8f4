package dev.emperor.core;

/**
 * Daemon-wide counters and loop timing, published with every {@link EmperorSnapshot} (not in uWSGI's
 * document; for metrics). Counters count since the daemon started and never go down.
 *
 * @param spawns             vassal processes started (spawned or adopted from a fork server)
 * @param respawns           of those, starts of a vassal that had already run a process (after a crash,
 *                           an exile, a throttle window, or an operator start after a stop)
 * @param reloads            reload bytes (1) written to vassals: file touched, SIGHUP, operator restart
 * @param kills              SIGKILLs sent to vassal masters (missed heartbeat, curse tolerance, Ragnarok)
 * @param lastIterationNanos how long the loop's last iteration worked (from epoll wake-up to publishing)
 */
public record LoopStats(long spawns, long respawns, long reloads, long kills, long lastIterationNanos) {

    /** Nothing counted yet (snapshots made outside a loop, e.g. in tests). */
    public static final LoopStats NONE = new LoopStats(0, 0, 0, 0, 0);
}
