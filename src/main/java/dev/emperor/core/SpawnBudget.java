package dev.emperor.core;

/**
 * How many children one loop iteration may start (docs/reliability-time.md, "Bursts"). A scan that
 * brings thousands of new vassals, or thousands of crashes at once, is spread over iterations, each
 * of which first reaps the dead and reads the pipes: zombies and pipe fds cannot pile up behind a
 * burst of spawns. Loop thread only.
 */
final class SpawnBudget {
    /** Spawns per iteration: each costs about a millisecond, so an iteration stays short. */
    static final int PER_ITERATION = 32;

    private final int limit;
    private int left;

    SpawnBudget(int limit) {
        this.limit = limit;
        this.left = limit;
    }

    /** A new loop iteration: the full budget again. */
    void refill() {
        left = limit;
    }

    /** Takes one slot; false when this iteration has spawned enough. */
    boolean take() {
        if (left <= 0) {
            return false;
        }
        left--;
        return true;
    }
}
