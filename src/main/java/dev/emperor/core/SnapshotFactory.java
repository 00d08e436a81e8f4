package dev.emperor.core;

import java.util.List;

/** The parts of the stats document that do not change while the Emperor runs. */
public record SnapshotFactory(String version, int pid, int uid, int gid, String cwd, List<String> emperor, boolean tyrant) {

    public SnapshotFactory {
        emperor = List.copyOf(emperor);
    }

    EmperorSnapshot build(List<VassalView> vassals, List<BlacklistView> blacklist, long now, List<VassalView> waiting,
                          LoopStats loop) {
        // uWSGI 2.0.x: the global throttle is not active and always reported as 0
        return new EmperorSnapshot(version, pid, uid, gid, cwd, emperor, tyrant, 0, vassals, blacklist, now, waiting, loop);
    }
}
