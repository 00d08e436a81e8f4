package dev.emperor.pg;

/**
 * Spacing of reconnection attempts: doubling from {@code first} up to {@code cap} (the poll interval, so that
 * a database that comes back is reached again within one poll), reset by a success. Monotonic nanoseconds.
 */
final class Backoff {
    private final long firstNanos;
    private final long capNanos;
    private long delayNanos;
    private long notBefore;
    private boolean waiting;

    Backoff(long firstNanos, long capNanos) {
        this.firstNanos = firstNanos;
        this.capNanos = Math.max(firstNanos, capNanos);
    }

    /** True when an attempt may be made at {@code now}. */
    boolean mayTry(long now) {
        return !waiting || now - notBefore >= 0;
    }

    /** Nanoseconds until the next attempt may be made (0 when it may be made now). */
    long nanosLeft(long now) {
        return mayTry(now) ? 0 : notBefore - now;
    }

    void failed(long now) {
        delayNanos = delayNanos == 0 ? firstNanos : Math.min(capNanos, delayNanos * 2);
        notBefore = now + delayNanos;
        waiting = true;
    }

    void succeeded() {
        delayNanos = 0;
        waiting = false;
    }
}
