package dev.emperor.log;

/**
 * {@code EMPEROR_TRACE_STARTUP}: one stderr line per start-up phase with the milliseconds since the
 * launch, to see where the time before the first spawn goes (docs/operations.md, "Start-up trace").
 * The variable holds the launch time in epoch milliseconds (e.g. {@code $(date +%s%3N)}); any
 * other value but 0 means "since the process started" as the kernel records it (10 ms steps). Off, it costs one getenv.
 */
public final class StartupTrace {
    private static final long T0 = origin(System.getenv("EMPEROR_TRACE_STARTUP"));
    private static volatile boolean firstScanSeen;
    private static volatile boolean firstSpawnSeen;

    private StartupTrace() {
    }

    /** Notes that start-up reached {@code phase}. */
    public static void mark(String phase) {
        if (T0 != 0) {
            System.err.println("[startup] " + (System.currentTimeMillis() - T0) + " ms " + phase);
        }
    }

    /** A scan's results reached the loop's queue. */
    public static void scanned() {
        if (T0 != 0 && !firstScanSeen) {
            firstScanSeen = true;
            mark("first scan handed to the loop");
        }
    }

    /** The first posix_spawn returned: the end of the start-up path. */
    public static void spawned() {
        if (T0 != 0 && !firstSpawnSeen) {
            firstSpawnSeen = true;
            mark("first posix_spawn returned");
        }
    }

    private static long origin(String value) {
        if (value == null || value.isEmpty() || value.equals("0")) {
            return 0;
        }
        long epochMs = 0;
        try {
            epochMs = Long.parseLong(value);
        } catch (NumberFormatException e) {
            // not a launch time: the JVM's own start below
        }
        if (epochMs > 1_000_000_000_000L) {
            return epochMs;
        }
        return ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli)
                .orElse(System.currentTimeMillis());
    }
}
