package dev.emperor.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The stats snapshot, rebuilt by the loop at the end of every iteration and read by any thread
 * (stats server, HTTP control, command socket): the loop's table is never shared. Records uWSGI
 * keeps none of (THROTTLED, EXILED, WAITING_FOR_BASE, REFUSED) are listed apart.
 */
final class SnapshotPublisher {
    private final Map<String, Vassal> table;
    private final Blacklist blacklist;
    private final LoopClock clocks;
    private final SnapshotFactory snapshots;
    private final LoopEffects counters;
    private final ResourceTrouble trouble;
    private final AtomicReference<EmperorSnapshot> published = new AtomicReference<>();

    SnapshotPublisher(Map<String, Vassal> table, Blacklist blacklist, LoopClock clocks, SnapshotFactory snapshots,
                      LoopEffects counters, ResourceTrouble trouble) {
        this.table = table;
        this.blacklist = blacklist;
        this.clocks = clocks;
        this.snapshots = snapshots;
        this.counters = counters;
        this.trouble = trouble;
    }

    EmperorSnapshot snapshot() {
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
    }
}
