package dev.emperor.it;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The only place where tests wait. Conditions are polled with a short, growing interval (10 ms to 100 ms) until
 * they hold or the deadline passes; an exception thrown by a probe counts as "not yet" and is reported if the
 * deadline passes. {@link #holds} is the one negative wait: it asserts a condition stays true for a whole period
 * (there is no event for "nothing happened", so a deadline is polled with {@code LockSupport.parkNanos}).
 */
public final class Poll {

    /** A condition that may throw; a throw counts as false. */
    @FunctionalInterface
    public interface Probe {
        boolean test() throws Exception;
    }

    /** A value producer that may throw; empty or a throw counts as "not yet". */
    @FunctionalInterface
    public interface ValueProbe<T> {
        Optional<T> get() throws Exception;
    }

    /** Thrown by a probe to stop waiting at once (the awaited thing can no longer happen). */
    public static final class Abort extends AssertionError {
        private static final long serialVersionUID = 1L;

        public Abort(String message) {
            super(message);
        }
    }

    private Poll() {
    }

    /** Waits until {@code cond} holds; fails with {@code desc} when {@code timeout} passes first. */
    public static void until(Duration timeout, String desc, Probe cond) {
        until(timeout, desc, cond, () -> "");
    }

    /** Same as {@link #until(Duration, String, Probe)}, adding {@code diagnostics} to the failure message. */
    public static void until(Duration timeout, String desc, Probe cond, Supplier<String> diagnostics) {
        value(timeout, desc, () -> cond.test() ? Optional.of(Boolean.TRUE) : Optional.empty(), diagnostics);
    }

    /** Waits until {@code probe} yields a value and returns it. */
    public static <T> T value(Duration timeout, String desc, ValueProbe<T> probe) {
        return value(timeout, desc, probe, () -> "");
    }

    /** Waits until {@code probe} yields a value and returns it, with {@code diagnostics} on failure. */
    public static <T> T value(Duration timeout, String desc, ValueProbe<T> probe, Supplier<String> diagnostics) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long pause = Duration.ofMillis(10).toNanos();
        Throwable last = null;
        while (true) {
            try {
                Optional<T> v = probe.get();
                if (v.isPresent()) return v.get();
            } catch (Abort abort) {
                AssertionError err = new AssertionError("gave up waiting for: " + desc + ": " + abort.getMessage()
                        + diag(diagnostics));
                err.initCause(abort);
                throw err;
            } catch (AssertionError | Exception e) {
                last = e;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new AssertionError("interrupted (test timeout?) while waiting for: " + desc + diag(diagnostics));
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                AssertionError err = new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: "
                        + desc + (last == null ? "" : "\n  last probe error: " + last) + diag(diagnostics));
                if (last != null) err.initCause(last);
                throw err;
            }
            LockSupport.parkNanos(Math.min(pause, deadline - now));
            pause = Math.min(pause * 2, Duration.ofMillis(100).toNanos());
        }
    }

    /**
     * Asserts that {@code cond} holds at every check during the whole {@code period} (checked every
     * {@code every}). This is the negative wait of the suite: it always takes {@code period}.
     */
    public static void holds(Duration period, Duration every, String desc, Probe cond, Supplier<String> diagnostics) {
        long start = System.nanoTime();
        long end = start + period.toNanos();
        while (true) {
            String failure;
            try {
                failure = cond.test() ? null : "condition false";
            } catch (AssertionError | Exception e) {
                failure = e.toString();
            }
            if (failure != null) {
                throw new AssertionError("expected to hold for " + period.toMillis() + " ms but broke after "
                        + (System.nanoTime() - start) / 1_000_000 + " ms: " + desc + " (" + failure + ")"
                        + diag(diagnostics));
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new AssertionError("interrupted (test timeout?) while checking: " + desc);
            }
            long now = System.nanoTime();
            if (now - end >= 0) return;
            LockSupport.parkNanos(Math.min(every.toNanos(), end - now));
        }
    }

    /** {@link #holds(Duration, Duration, String, Probe, Supplier)} checking every 100 ms. */
    public static void holds(Duration period, String desc, Probe cond) {
        holds(period, Duration.ofMillis(100), desc, cond, () -> "");
    }

    private static String diag(Supplier<String> diagnostics) {
        String d;
        try {
            d = diagnostics.get();
        } catch (RuntimeException e) {
            d = "(diagnostics failed: " + e + ")";
        }
        return d == null || d.isEmpty() ? "" : "\n" + d;
    }
}
