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
 * @param resourceErrors     calls that failed for want of fds, memory or processes, by kind ("emfile", "enfile",
 *                           "eagain", "enomem", "enobufs"; docs/reliability.md)
 * @param upgrades           in-place upgrades this daemon went through (docs/upgrade.md); the counters above
 *                           carry on across them
 */
public record LoopStats(long spawns, long respawns, long reloads, long kills, long lastIterationNanos,
                        java.util.Map<String, Long> resourceErrors, long upgrades) {

    /** Nothing counted yet (snapshots made outside a loop, e.g. in tests). */
    public static final LoopStats NONE = new LoopStats(0, 0, 0, 0, 0);

    public LoopStats {
        resourceErrors = java.util.Map.copyOf(resourceErrors);
    }

    public LoopStats(long spawns, long respawns, long reloads, long kills, long lastIterationNanos) {
        this(spawns, respawns, reloads, kills, lastIterationNanos, noResourceErrors(), 0);
    }

    /** Every kind at 0, so that the metric's series exist before the first error. */
    static java.util.Map<String, Long> noResourceErrors() {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (dev.emperor.internal.Errno.Resource r : dev.emperor.internal.Errno.Resource.values()) {
            m.put(r.label(), 0L);
        }
        return m;
    }
}
