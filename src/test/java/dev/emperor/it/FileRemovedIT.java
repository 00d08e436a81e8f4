package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Removing a vassal file stops that vassal: its master and workers are gone, reaped, and out of the stats. */
@Timeout(60)
class FileRemovedIT {

    @Test
    void removedFileStopsTheVassal() throws Exception {
        int p1 = Ports.free();
        int p2 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("file-removed").build()) {
            Path cfg = Vassals.python("app1", p1).writeTo(e);
            Vassals.python("app2", p2).writeTo(e);
            e.start();
            long worker = e.awaitAnswer(p1, "app1", TempEmperor.SHORT).workerPid();
            e.awaitAnswer(p2, "app2", TempEmperor.SHORT);
            Stats.Vassal v1 = e.awaitVassal("app1.ini", TempEmperor.SHORT, "loyal (served a request)",
                    Stats.Vassal::loyal);
            long pid2 = e.stats().vassal("app2.ini").orElseThrow().pid();
            ProcTree.Proc master = ProcTree.require(v1.pid());
            ProcTree.Proc work = ProcTree.require(worker);

            Files.delete(cfg);

            e.awaitLog("\\[emperor\\] stop the uwsgi instance app1\\.ini", TempEmperor.SHORT);
            e.await(TempEmperor.SHORT, "master " + master.pid() + " and worker " + work.pid()
                    + " gone (exited and reaped)", () -> !ProcTree.exists(master) && !ProcTree.running(work));
            e.awaitLog("\\[emperor\\] removed uwsgi instance app1\\.ini", TempEmperor.SHORT);
            Stats s = e.awaitStats(TempEmperor.SHORT, "app1.ini no longer listed",
                    st -> st.vassal("app1.ini").isEmpty());
            assertTrue(s.blacklisted("app1.ini").isEmpty(), "a loyal vassal removed on purpose is not blacklisted");
            e.await(TempEmperor.SHORT, "port " + p1 + " closed", () -> Http.tryGet(p1).isEmpty());

            // the other vassal keeps running, and the removal does not come back at later scans
            e.holds(Duration.ofSeconds(2), "app1 stays gone, app2 keeps serving", () -> {
                Stats st = e.stats();
                return st.vassal("app1.ini").isEmpty() && st.vassal("app2.ini").orElseThrow().pid() == pid2
                        && Http.answers(p2, "app2");
            });
            List<ProcTree.Proc> zombies = ProcTree.zombieChildren(e.pid());
            assertTrue(zombies.isEmpty(), "no unreaped children: " + zombies);
            assertFalse(ProcTree.exists(master));
            assertEquals(1, e.log().count(0, java.util.regex.Pattern.compile(
                    "\\[emperor\\] stop the uwsgi instance app1\\.ini")), "stopped once");
        }
    }
}
