package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A vassal master killed with SIGKILL is replaced by a new process that serves again. */
@Timeout(60)
class KillNineRespawnIT {

    @Test
    void killedVassalIsRespawned() throws Exception {
        int p1 = Ports.free();
        int p2 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("kill-nine").build()) {
            Vassals.python("app1", p1).writeTo(e);
            Vassals.python("app2", p2).writeTo(e);
            e.start();
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
            e.awaitAnswer(p2, "app2", TempEmperor.SHORT);
            Stats.Vassal old = e.awaitVassal("app1.ini", TempEmperor.SHORT, "loyal", Stats.Vassal::loyal);
            long pid2 = e.stats().vassal("app2.ini").orElseThrow().pid();
            ProcTree.Proc oldMaster = ProcTree.require(old.pid());

            assertEquals(0, TempEmperor.kill("KILL", old.pid()));

            e.awaitVassal("app1.ini", TempEmperor.SHORT, "a new pid", v -> v.pid() > 0 && v.pid() != old.pid());
            e.await(TempEmperor.SHORT, "the killed master reaped", () -> !ProcTree.exists(oldMaster));
            // (while the orphaned worker still holds the port a respawn may fail to bind and be retried:
            // take the master that finally serves)
            Http.Response r = e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
            long serving = ProcTree.ppid(r.workerPid()).orElseThrow();
            Stats.Vassal fresh = e.awaitVassal("app1.ini", TempEmperor.SHORT, "listed with the serving master",
                    v -> v.pid() == serving);
            assertTrue(fresh.pid() != old.pid(), "a new master serves");
            assertEquals(e.pid(), ProcTree.ppid(fresh.pid()).orElseThrow(), "new master is the Emperor's child");
            assertTrue(ProcTree.running(fresh.pid()));
            // the other vassal is untouched
            Stats.Vassal other = e.stats().vassal("app2.ini").orElseThrow();
            assertEquals(pid2, other.pid());
            assertEquals(0, other.respawns());
            e.awaitAnswer(p2, "app2", TempEmperor.SHORT);
            // uWSGI logs the end of the old instance record on every vassal death ("curse ..." only when the pipe
            // EOF is seen before the exit status, so that one is not required); operators grep for it
            e.awaitLog("\\[emperor\\] removed uwsgi instance app1\\.ini", Duration.ofSeconds(2));
        }
    }
}
