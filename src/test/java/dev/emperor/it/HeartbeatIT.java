package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code emperor-required-heartbeat}: a vassal that sent heartbeats ({@code heartbeat = 1}) and then stops
 * sending them (master and workers frozen with SIGSTOP) is SIGKILLed and respawned.
 */
@Timeout(60)
class HeartbeatIT {

    @Test
    void silentVassalIsKilledAndRespawned() throws Exception {
        int hb = Ports.free();
        int calm = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("heartbeat").option("emperor-required-heartbeat", "3").build()) {
            Vassals.python("hb", hb).option("heartbeat", "1").writeTo(e);
            Vassals.python("calm", calm).writeTo(e); // sends no heartbeat: never checked
            e.start();
            e.awaitAnswer(hb, "hb", TempEmperor.SHORT);
            e.awaitAnswer(calm, "calm", TempEmperor.SHORT);
            Stats.Vassal v = e.awaitVassal("hb.ini", TempEmperor.SHORT, "heartbeats received",
                    x -> x.lastHeartbeat() > 0);
            long calmPid = e.stats().vassal("calm.ini").orElseThrow().pid();
            ProcTree.Proc master = ProcTree.require(v.pid());
            List<ProcTree.Proc> workers = ProcTree.children(master.pid());
            assertTrue(!workers.isEmpty(), "hb.ini has a worker");
            long[] frozen = new long[workers.size() + 1];
            for (int i = 0; i < workers.size(); i++) frozen[i] = workers.get(i).pid();
            frozen[workers.size()] = master.pid();
            int mark = e.log().mark();

            long t0 = System.nanoTime();
            assertEquals(0, TempEmperor.kill("STOP", frozen));

            e.awaitLog(mark, "\\[emperor\\] vassal hb\\.ini sent no heartbeat in last 3 seconds, brutally respawning it",
                    Duration.ofSeconds(15));
            e.await(Duration.ofSeconds(10), "frozen master " + master.pid() + " killed and reaped",
                    () -> !ProcTree.exists(master));
            double took = (System.nanoTime() - t0) / 1e9;
            // last beat <= 1 s before the freeze; 3 s tolerance; + emperor-freq 1 s; + 3 s slack
            assertTrue(took <= 3 + 1 + 1 + 3, "killed " + took + " s after the freeze");
            // the frozen workers cannot notice their master died until they run again; they hold the port
            TempEmperor.kill("CONT", workers.stream().filter(ProcTree::exists).mapToLong(ProcTree.Proc::pid).toArray());

            e.awaitVassal("hb.ini", TempEmperor.SHORT, "respawned with a new pid",
                    x -> x.pid() > 0 && x.pid() != master.pid());
            // (until the thawed workers have exited, a respawn may fail to bind and be retried: take the
            // pid that finally serves)
            Http.Response r = e.awaitAnswer(hb, "hb", Duration.ofSeconds(20));
            long servingMaster = ProcTree.ppid(r.workerPid()).orElseThrow();
            Stats.Vassal fresh = e.awaitVassal("hb.ini", TempEmperor.SHORT, "listed with the serving master",
                    x -> x.pid() == servingMaster);
            assertTrue(fresh.pid() != master.pid(), "a new master serves");
            assertEquals(e.pid(), ProcTree.ppid(fresh.pid()).orElseThrow(), "new master is the Emperor's child");
            Stats.Vassal c = e.stats().vassal("calm.ini").orElseThrow();
            assertEquals(calmPid, c.pid(), "a vassal without heartbeat is never killed for it");
            assertEquals(0, c.lastHeartbeat());
            assertTrue(!e.logHas("calm\\.ini sent no heartbeat"));
        }
    }
}
