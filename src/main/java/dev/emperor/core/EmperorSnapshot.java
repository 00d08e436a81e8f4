package dev.emperor.core;

import java.util.List;

/**
 * An immutable picture of the Emperor, published by the event loop after every change; readers
 * (stats, metrics, ctl) only ever see these. Field order and meaning follow uWSGI's stats
 * document (spec/emperor-protocol.md §1d).
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
        long takenAtMillis) {

    public EmperorSnapshot {
        emperor = List.copyOf(emperor);
        vassals = List.copyOf(vassals);
        blacklist = List.copyOf(blacklist);
    }
}
