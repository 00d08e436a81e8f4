package dev.emperor.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition with a deadline instead of sleeping (unit tests; the ITs have their own Poll). */
public final class Await {
    private Await() {
    }

    public static void until(String what, BooleanSupplier cond) {
        until(Duration.ofSeconds(5), what, cond);
    }

    public static void until(Duration timeout, String what, BooleanSupplier cond) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }
}
