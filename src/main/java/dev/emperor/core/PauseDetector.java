package dev.emperor.core;

/**
 * Notices that the Emperor itself was paused — SIGSTOP, a frozen VM, a swap storm, a long GC — as a
 * loop iteration that took far longer than the loop meant to wait (docs/reliability-time.md, "Time
 * and pauses"). During such a pause nobody read the vassals' pipes, so their silence says nothing
 * about them. On the monotonic clock, which keeps counting while the process is stopped.
 */
final class PauseDetector {
    /** A loop iteration may overrun its wait by this much (scheduling, a slow spawn) before it is a pause. */
    static final long SLACK_MS = 2000;

    private long lastWake = Long.MIN_VALUE;

    /**
     * One await of the loop: it began at {@code start}, meant to wait {@code timeoutMs} (-1: until an
     * event) and returned at {@code end}. Returns how many ms the loop was away beyond what it meant,
     * when that exceeds {@link #SLACK_MS}; else 0. The time between the previous return and this
     * await (the loop's own work) counts too: a stop can land there.
     */
    long observe(long start, long end, long timeoutMs) {
        long previous = lastWake;
        lastWake = end;
        if (previous == Long.MIN_VALUE) {
            return 0;
        }
        long meant = timeoutMs < 0 ? end - start : timeoutMs; // an unbounded wait had no deadline to miss
        long away = (end - previous) - meant;
        return away > SLACK_MS ? away : 0;
    }
}
