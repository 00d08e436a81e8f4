package dev.emperor.core;

import java.util.function.LongSupplier;

/**
 * The loop's two clocks, kept apart (docs/reliability-time.md, "Time and pauses"). Every deadline —
 * heartbeat, curse tolerance, throttle windows, adoption timeouts, reload-mercy — is judged on
 * {@link #monotonicMs()}, which an NTP step or {@code date -s} cannot move. {@link #wallMs()} is only
 * for what uWSGI shows as epoch times (stats, blacklist timestamps, {@code last_mod} after SIGHUP, log
 * dates); {@link WallView} turns a recorded monotonic instant into a wall time at publication.
 */
public interface LoopClock {
    /** Monotonic milliseconds: only differences mean anything; never 0 for the system clock. */
    long monotonicMs();

    /**
     * Absolute CLOCK_MONOTONIC nanoseconds, the same clock in the next JVM (an in-place upgrade hands
     * instants over in it); fake clocks read their milliseconds.
     */
    default long monotonicNanos() {
        return monotonicMs() * 1_000_000L;
    }

    /** Epoch milliseconds, as shown to operators. */
    long wallMs();

    /** The JVM's clocks: System.nanoTime for deadlines, System.currentTimeMillis for display. */
    static LoopClock system() {
        return SystemClock.INSTANCE;
    }

    /** Two separate suppliers (tests: a fake monotonic clock and a fake wall clock that can jump). */
    static LoopClock of(LongSupplier monotonicMs, LongSupplier wallMs) {
        return new LoopClock() {
            @Override
            public long monotonicMs() {
                return monotonicMs.getAsLong();
            }

            @Override
            public long wallMs() {
                return wallMs.getAsLong();
            }
        };
    }

    /** One supplier for both (tests whose fake time never jumps): monotonic and wall instants coincide. */
    static LoopClock single(LongSupplier ms) {
        return of(ms, ms);
    }

    /** How a recorded monotonic instant reads on the wall clock now. */
    default WallView wallView() {
        return new WallView(wallMs() - monotonicMs());
    }

    /** Monotonic → wall translation sampled once (offset = wall − monotonic at that moment). */
    record WallView(long offsetMs) {
        /** The identity, for records whose times were taken from one clock (tests). */
        public static final WallView IDENTITY = new WallView(0);

        /** Epoch seconds of a monotonic instant; 0 ("never") stays 0, as uWSGI's unset fields. */
        public long seconds(long monotonicMs) {
            return monotonicMs == 0 ? 0 : Math.floorDiv(monotonicMs + offsetMs, 1000L);
        }
    }

    /** The system clocks; the monotonic origin is shifted so that no reading is ever 0 ("never"). */
    final class SystemClock implements LoopClock {
        static final SystemClock INSTANCE = new SystemClock();
        private final long originNanos = System.nanoTime();

        private SystemClock() {
        }

        @Override
        public long monotonicMs() {
            return (System.nanoTime() - originNanos) / 1_000_000L + 1_000_000_000L;
        }

        @Override
        public long monotonicNanos() {
            return System.nanoTime();
        }

        @Override
        public long wallMs() {
            return System.currentTimeMillis();
        }
    }
}
