package dev.emperor.protocol;

/**
 * The one-byte vocabulary of the emperor pipe (docs/wire-formats.md, "Emperor pipe",
 * uWSGI {@code core/emperor.c: emperor_loop} and {@code uwsgi_master_manage_emperor}).
 */
public final class PipeByte {
    // vassal -> Emperor
    /** Master booted (first boot only, never after a reload). */
    public static final int SPAWNED = 1;
    /** Reloading master asks for its config blob again (config-pipe vassals only). */
    public static final int CONFIG_REQUEST = 2;
    /** Worker 1 started accepting. */
    public static final int ACCEPTING = 5;
    /** A worker served its first request. */
    public static final int LOYAL = 17;
    /** die-on-idle: "stop me" (or back to on-demand). */
    public static final int VOLUNTARY_STOP = 22;
    /** Sent by every worker each {@code heartbeat} seconds. */
    public static final int HEARTBEAT = 26;
    /** Broodlord: "send zergs". */
    public static final int BROODLORD = 30;

    // Emperor -> vassal
    public static final int STOP = 0;
    public static final int RELOAD = 1;
    public static final int GRACEFUL_STOP = 2;

    /** Exit code a vassal uses to say "do not respawn me" ({@code UWSGI_EXILE_CODE}). */
    public static final int EXILE_CODE = 26;

    private PipeByte() {
    }
}
