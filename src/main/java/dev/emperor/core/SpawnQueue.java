package dev.emperor.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Spawning as a queue drained a bounded amount per loop iteration (docs/reliability-time.md,
 * "Bursts"). A scan that brings thousands of new vassals, or thousands of crashes at once, is spread
 * over iterations, each of which first reaps the dead and reads the pipes: zombies and pipe fds
 * cannot pile up behind a burst of spawns. Vassals refused a slot wait first-come first-served, so a
 * crash-looping vassal that is due again cannot keep a never-started one waiting. Loop thread only.
 */
final class SpawnQueue {
    /** Spawns per iteration: each costs about a millisecond, so an iteration stays short. */
    static final int PER_ITERATION = 32;

    private final int limit;
    private int left;
    private final Set<Vassal> waiting = new LinkedHashSet<>();

    SpawnQueue(int limit) {
        this.limit = limit;
        this.left = limit;
    }

    /** A new loop iteration: the full budget again. */
    void refill() {
        left = limit;
    }

    /** Takes one slot for v; false (and v queued, keeping its place) when this iteration has spawned enough. */
    boolean take(Vassal v) {
        if (left <= 0) {
            waiting.add(v);
            return false;
        }
        left--;
        waiting.remove(v);
        return true;
    }

    /** The vassals waiting for a slot, oldest first, to be offered the next slots before anyone else. */
    List<Vassal> waiting() {
        return new ArrayList<>(waiting);
    }

    /** v no longer waits (forgotten, or no longer due for a spawn). */
    void drop(Vassal v) {
        waiting.remove(v);
    }
}
