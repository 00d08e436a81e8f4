package dev.emperor.core;

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
}
