package dev.emperor.core;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * No exception ends the event loop (docs/reliability.md, "No exception ends the loop"): every
 * handler and effect runs through {@link #run}. A failure is logged with the vassal's name and
 * handled as a failure of that vassal: its next timer moves a second ahead, so a handler that keeps
 * failing is retried once a second instead of spinning the loop, and nothing else changes. Only a
 * broken JVM (an {@link InternalError} or {@link UnknownError}) still ends the loop.
 */
final class LoopGuard {
    static final long RETRY_MS = 1000;

    private final EmperorLog log;
    private final Lifecycle lifecycle;
    private long failures;

    LoopGuard(EmperorLog log, Lifecycle lifecycle) {
        this.log = log;
        this.lifecycle = lifecycle;
    }

    /** Runs {@code handler}; true when it completed, false when it failed (already logged and handled). */
    boolean run(String what, Vassal v, long now, Runnable handler) {
        try {
            handler.run();
            return true;
        } catch (RuntimeException | Error e) {
            failed(what, v, now, e);
            return false;
        }
    }

    /**
     * Runs {@code handler} and returns its value; {@code onFailure} when it failed (already logged and
     * handled as {@link #run} does).
     */
    <T> T call(String what, Vassal v, long now, java.util.function.Supplier<T> handler, T onFailure) {
        try {
            return handler.get();
        } catch (RuntimeException | Error e) {
            failed(what, v, now, e);
            return onFailure;
        }
    }

    /** Logs a failure caught elsewhere and handles it as a failure of {@code v} (may be null). */
    void failed(String what, Vassal v, long now, Throwable e) {
        if (e instanceof InternalError || e instanceof UnknownError) {
            throw (Error) e;
        }
        failures++;
        log.error("[emperor] " + what + (v == null ? "" : " of vassal " + v.name) + " failed: " + e
                + (v == null ? "" : " (" + v.name + " is kept as it is and looked at again in a second)"));
        log.debug(stackTrace(e));
        if (v != null) {
            lifecycle.postpone(v, now); // the table's row: its next deadline a second ahead
        }
    }

    /** Handler failures so far. */
    long failures() {
        return failures;
    }

    private static String stackTrace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
