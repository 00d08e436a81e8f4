package dev.emperor.core;

import java.util.List;

/**
 * An immutable picture of the Emperor, published by the event loop after every change; readers
 * (stats, metrics, ctl) only ever see these. Field order and meaning follow uWSGI's stats
 * document (docs/wire-formats.md, "Stats document").
 *
 * @param vassals what uWSGI lists as instances (running, stopping, suspended, adopting...)
 * @param waiting vassals that uWSGI would not list because it deleted their record (throttled by the
 *                blacklist, exiled, waiting for their fork server, refused by Tyrant): not in the stats JSON, but known to
 *                metrics and ctl
 * @param loop    daemon-wide counters and loop timing (not in the stats JSON; for metrics)
 */
public record EmperorSnapshot(
        String version,
        int pid,
        int uid,
        int gid,
        String cwd,
        List<String> emperor,
        boolean tyrant,
        long throttleLevel,
        List<VassalView> vassals,
        List<BlacklistView> blacklist,
        long takenAtMillis,
        List<VassalView> waiting,
        LoopStats loop) {

    public EmperorSnapshot {
        emperor = List.copyOf(emperor);
        vassals = List.copyOf(vassals);
        blacklist = List.copyOf(blacklist);
        waiting = List.copyOf(waiting);
        loop = loop == null ? LoopStats.NONE : loop;
    }

    public EmperorSnapshot(String version, int pid, int uid, int gid, String cwd, List<String> emperor, boolean tyrant,
                           long throttleLevel, List<VassalView> vassals, List<BlacklistView> blacklist, long takenAtMillis,
                           List<VassalView> waiting) {
        this(version, pid, uid, gid, cwd, emperor, tyrant, throttleLevel, vassals, blacklist, takenAtMillis, waiting,
                LoopStats.NONE);
    }

    public EmperorSnapshot(String version, int pid, int uid, int gid, String cwd, List<String> emperor, boolean tyrant,
                           long throttleLevel, List<VassalView> vassals, List<BlacklistView> blacklist, long takenAtMillis) {
        this(version, pid, uid, gid, cwd, emperor, tyrant, throttleLevel, vassals, blacklist, takenAtMillis, List.of());
    }
}
