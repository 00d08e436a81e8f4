package dev.emperor.core;

import java.nio.file.Path;

/**
 * What the event loop tells the outside world about itself, called on the loop thread: the service
 * manager's readiness and watchdog protocol (docs/operations.md, "sd_notify") hangs here. Every
 * method must return at once and never throw; the loop does not depend on what they do.
 */
public interface LoopHooks {
    LoopHooks NONE = new LoopHooks() {
    };

    /** A round of monitor answers has been applied and the spawns it asked for were issued. */
    default void scanApplied() {
    }

    /** The end of one loop iteration; {@code governed} = vassals with a live process. */
    default void iterationDone(int governed) {
    }

    /** Milliseconds until the hooks want {@link #iterationDone} again (at most), or -1 for never. */
    default long millisUntilDue() {
        return -1;
    }

    /** Before and after every vassal was asked to reload (SIGHUP, HTTP control). */
    default void reloading() {
    }

    default void reloaded() {
    }

    /** Ragnarok has begun. */
    default void stopping() {
    }

    /**
     * A vassal's process was reaped ({@code vassals-stop-hook}, docs/hooks.md): called after the table
     * has handled the exit, so nothing here can hold up the stop or the respawn.
     *
     * @param cwd the directory it ran in, null when unknown
     */
    default void vassalEnded(String name, Path cwd) {
    }

    /**
     * Master's {@code hook-as-on-demand-vassal} / {@code hook-as-on-config-vassal} for a vassal going to
     * sleep or changed while asleep (docs/hooks.md, "On-demand hooks"): true when a list was queued;
     * {@code done} then gets whether it succeeded, on another thread.
     */
    default boolean onDemandHook(String name, Path cwd, boolean configChanged, java.util.function.Consumer<Boolean> done) {
        return false;
    }

    /** Work of the hooks still running: Ragnarok waits for it (at most reload-mercy and 5 s more). */
    default boolean busy() {
        return false;
    }

    /** Both, {@code first} first; the sooner of their due times. */
    static LoopHooks both(LoopHooks first, LoopHooks second) {
        return new LoopHooks() {
            @Override
            public void scanApplied() {
                first.scanApplied();
                second.scanApplied();
            }

            @Override
            public void iterationDone(int governed) {
                first.iterationDone(governed);
                second.iterationDone(governed);
            }

            @Override
            public long millisUntilDue() {
                long a = first.millisUntilDue();
                long b = second.millisUntilDue();
                return a < 0 ? b : b < 0 ? a : Math.min(a, b);
            }

            @Override
            public void reloading() {
                first.reloading();
                second.reloading();
            }

            @Override
            public void reloaded() {
                first.reloaded();
                second.reloaded();
            }

            @Override
            public void stopping() {
                first.stopping();
                second.stopping();
            }

            @Override
            public void vassalEnded(String name, Path cwd) {
                first.vassalEnded(name, cwd);
                second.vassalEnded(name, cwd);
            }

            @Override
            public boolean onDemandHook(String name, Path cwd, boolean configChanged, java.util.function.Consumer<Boolean> done) {
                return first.onDemandHook(name, cwd, configChanged, done) || second.onDemandHook(name, cwd, configChanged, done);
            }

            @Override
            public boolean busy() {
                return first.busy() || second.busy();
            }
        };
    }
}
