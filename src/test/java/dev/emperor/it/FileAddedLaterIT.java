package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A vassal file dropped into the monitored dir while the Emperor runs is spawned and serves. */
@Timeout(60)
class FileAddedLaterIT {

    @Test
    void fileAddedLaterIsSpawnedAndServes() throws Exception {
        int p1 = Ports.free();
        int p2 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("file-added-later").build()) {
            Vassals.python("app1", p1).writeTo(e);
            e.start();
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
            long pid1 = e.awaitVassal("app1.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();

            int mark = e.log().mark();
            Vassals.python("app2", p2).writeTo(e);

            e.awaitLog(mark, "\\[emperor\\] vassal app2\\.ini has been spawned", TempEmperor.SHORT);
            Http.Response r = e.awaitAnswer(p2, "app2", TempEmperor.SHORT);
            Stats.Vassal v2 = e.awaitVassal("app2.ini", TempEmperor.SHORT, "ready and accepting",
                    v -> v.pid() > 0 && v.ready() && v.accepting());
            assertEquals(v2.pid(), ProcTree.ppid(r.workerPid()).orElseThrow(), "app2's worker belongs to its master");
            assertEquals(e.pid(), ProcTree.ppid(v2.pid()).orElseThrow(), "app2's master is the Emperor's child");
            // the first vassal was left alone
            Stats.Vassal v1 = e.stats().vassal("app1.ini").orElseThrow();
            assertEquals(pid1, v1.pid(), "app1 keeps its pid");
            assertEquals(0, v1.respawns(), "app1 not reloaded");
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
        }
    }
}
