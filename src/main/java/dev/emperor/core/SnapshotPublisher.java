package dev.emperor.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The stats snapshot, read by any thread (stats server, HTTP control, command socket): the loop's
 * table is never shared. Records uWSGI keeps none of (THROTTLED, EXILED, WAITING_FOR_BASE, REFUSED)
 * are listed apart.
 * <p>
 * Built when someone asks, not after every loop iteration: a reader on another thread hands the
 * build to the loop and waits for it, and an iteration only marks the last snapshot stale. Rebuilt
 * after every iteration, the snapshot cost O(vassals) per iteration, O(vassals²) for a start or a
 * shutdown of the whole fleet (docs/operations.md, "Idle cost"), whether anyone read it or not.
 */
final class SnapshotPublisher {
    private final Map<String, Vassal> table;
    private final Blacklist blacklist;
    private final LoopClock clocks;
    private final SnapshotFactory snapshots;
    private final LoopEffects counters;
    private final ResourceTrouble trouble;
    private final AtomicReference<EmperorSnapshot> published = new AtomicReference<>();
    /** Loop thread only: the table may have changed since the last build. */
    private boolean stale = true;
    /** How long a reader waits for the loop before it takes the last snapshot built. */
    private static final long WAIT_MS = 2000;

    SnapshotPublisher(Map<String, Vassal> table, Blacklist blacklist, LoopClock clocks, SnapshotFactory snapshots,
                      LoopEffects counters, ResourceTrouble trouble) {
        this.table = table;
        this.blacklist = blacklist;
        this.clocks = clocks;
        this.snapshots = snapshots;
        this.counters = counters;
        this.trouble = trouble;
    }

    /** The last snapshot built, stale or not. */
    EmperorSnapshot snapshot() {
        return published.get();
    }

    /** Loop thread: the table may have changed. */
    void changed() {
        stale = true;
    }

    /** Loop thread: the snapshot of the table as it is now, built only if it changed since the last one. */
    EmperorSnapshot fresh(long lastIterationNanos) {
        if (stale) {
            publish(lastIterationNanos);
        }
        return published.get();
    }

    /**
     * Any thread but the loop's: a snapshot built on the loop now, or the last one built when the loop
     * does not answer within {@value #WAIT_MS} ms (busy, or gone at exit).
     */
    EmperorSnapshot fromLoop(java.util.concurrent.Executor loop, java.util.function.LongSupplier lastIterationNanos) {
        java.util.concurrent.CompletableFuture<EmperorSnapshot> built = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> built.complete(fresh(lastIterationNanos.getAsLong())));
        try {
            return built.get(WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // the last one built
        }
        return published.get();
    }

    void publish(long lastIterationNanos) {
        List<VassalView> listed = new ArrayList<>(table.size());
        List<VassalView> waiting = new ArrayList<>();
        LoopClock.WallView wall = clocks.wallView();
        for (Vassal v : table.values()) {
            boolean hidden = v.state == VassalState.THROTTLED || v.state == VassalState.EXILED
                    || v.state == VassalState.WAITING_FOR_BASE || v.state == VassalState.REFUSED;
            (hidden ? waiting : listed).add(v.view(blacklist.throttleMs(v.name), wall));
        }
        long spawns = counters.retiredSpawns;
        long respawns = counters.retiredRespawns;
        for (Vassal v : table.values()) {
            spawns += v.starts;
            respawns += Math.max(0, v.starts - 1);
        }
        LoopStats stats = new LoopStats(spawns, respawns, counters.reloads, counters.kills, lastIterationNanos, trouble.counts(),
                counters.upgrades);
        published.set(snapshots.build(listed, blacklist.views(wall), clocks.wallMs(), waiting, stats));
        stale = false;
    }
}
