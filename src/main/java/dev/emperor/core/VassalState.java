package dev.emperor.core;

/** The states of {@link Lifecycle}; the table there says how each event moves between them. */
public enum VassalState {
    /** Not running; waiting for its blacklist window to pass (pid -1). Not listed as a vassal in stats, as in uWSGI. */
    THROTTLED,
    /** Fork-server session in flight: the pipe is open, the pid not known yet (uWSGI does this synchronously). */
    ADOPTING,
    /** The fork server is not listening (base not up yet, or reloading): connect again soon, no blacklist. */
    WAITING_FOR_BASE,
    /** Running, pipe open; status 0 in uWSGI. */
    RUNNING,
    /** A stop byte was sent (file removed, Ragnarok, voluntary stop); status 1. SIGKILL after curse tolerance. */
    STOPPING,
    /** The pipe hit EOF or a write failed while nobody asked it to stop; status 1. SIGKILL after curse tolerance. */
    CURSED,
    /**
     * Not started: waiting for an operator (uWSGI master's {@code emperor-wait-for-command} "suspended",
     * or stopped through HTTP control / ctl). pid -1; listed in stats with {@code suspended: 1}.
     */
    SUSPENDED,
    /** Exited with code 26 or no binary could be found: not respawned until its config changes. */
    EXILED,
    /**
     * Tyrant mode refused its config file (owned by root, symlink owner differs from the target's...):
     * never spawned; re-judged when its owner or mtime changes, forgotten when the file goes. pid -1,
     * not listed by uWSGI's JSON (uWSGI keeps no record), shown in the blacklist.
     */
    REFUSED,
    /**
     * An on-demand vassal asleep: pid -1, the Emperor holds its bound listening socket in epoll (never
     * accept()s); the first readable event spawns it with the socket on fd 0. uWSGI status 0, pid -1.
     */
    ON_DEMAND;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
