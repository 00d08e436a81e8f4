package dev.emperor.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The unit tests' one way to wait: a condition polled with a deadline, the thread parked between
 * polls (1 ms growing to 20 ms) instead of spinning on a core the code under test needs. A
 * condition that throws counts as "not yet"; the last exception is reported if the deadline passes.
 * The integration tests have their own {@code it/Poll}.
 */
public final class Await {
    private static final long FIRST_PAUSE = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_PAUSE = TimeUnit.MILLISECONDS.toNanos(20);

    /** A condition that may throw; a throw counts as false. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    /** Waits up to 5 s for {@code cond}. */
    public static void until(String what, Condition cond) {
        until(Duration.ofSeconds(5), what, cond);
    }

    /** Waits up to {@code timeout} for {@code cond}; fails naming {@code what} when the deadline passes first. */
    public static void until(Duration timeout, String what, Condition cond) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = FIRST_PAUSE;
        Exception last = null;
        while (true) {
            try {
                if (cond.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                AssertionError failure = new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + (last == null ? "" : " (last attempt threw " + last + ")"));
                if (last != null) {
                    failure.initCause(last);
                }
                throw failure;
            }
            LockSupport.parkNanos(Math.min(pause, left));
            pause = Math.min(pause * 2, MAX_PAUSE);
        }
    }

    /**
     * Lets {@code period} pass on purpose, for tests about what happens <em>after</em> a time window
     * (there is no event to wait for); parks until the deadline, whatever wakes the thread early.
     */
    public static void elapse(Duration period) {
        long deadline = System.nanoTime() + period.toNanos();
        for (long left = period.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}
