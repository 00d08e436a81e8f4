package dev.emperor.core;

/** The states of {@link Lifecycle}; the table there says how each event moves between them. */
public enum VassalState {
    /** Not running; waiting for its blacklist window to pass (pid -1). Not listed as a vassal in stats, as in uWSGI. */
    THROTTLED,
    /** Running, pipe open; status 0 in uWSGI. */
    RUNNING,
    /** A stop byte was sent (file removed, Ragnarok, voluntary stop); status 1. SIGKILL after curse tolerance. */
    STOPPING,
    /** The pipe hit EOF or a write failed while nobody asked it to stop; status 1. SIGKILL after curse tolerance. */
    CURSED,
    /** Exited with code 26 or no binary could be found: not respawned until its config changes. */
    EXILED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
