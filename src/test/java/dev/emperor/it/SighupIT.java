package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SIGHUP reloads every vassal through the pipe: same master pids, new workers, respawns incremented. */
@Timeout(60)
class SighupIT {

    @Test
    void sighupReloadsAllVassals() throws Exception {
        Map<String, Integer> ports = Map.of("app1", Ports.free(), "app2", Ports.free());
        try (TempEmperor e = TempEmperor.prepare("sighup").build()) {
            for (Map.Entry<String, Integer> p : ports.entrySet()) Vassals.python(p.getKey(), p.getValue()).writeTo(e);
            e.start();
            Map<String, Long> workers = new HashMap<>();
            Map<String, Long> masters = new HashMap<>();
            for (Map.Entry<String, Integer> p : ports.entrySet()) {
                workers.put(p.getKey(), e.awaitAnswer(p.getValue(), p.getKey(), TempEmperor.SHORT).workerPid());
                masters.put(p.getKey(), e.awaitVassal(p.getKey() + ".ini", TempEmperor.SHORT, "accepting",
                        Stats.Vassal::accepting).pid());
            }
            int mark = e.log().mark();

            e.signal("HUP");

            for (Map.Entry<String, Integer> p : ports.entrySet()) {
                String id = p.getKey() + ".ini";
                e.awaitLog(mark, "\\[emperor\\] reload the uwsgi instance " + id.replace(".", "\\."), TempEmperor.SHORT);
                Stats.Vassal v = e.awaitVassal(id, TempEmperor.SHORT, "respawns == 1", x -> x.respawns() == 1);
                assertEquals(masters.get(p.getKey()), v.pid(), "master pid of " + id + " unchanged");
                long oldWorker = workers.get(p.getKey());
                Http.Response r = e.awaitAnswer(p.getValue(), p.getKey(), TempEmperor.SHORT,
                        x -> x.workerPid() != oldWorker, "from a new worker");
                assertEquals(v.pid(), ProcTree.ppid(r.workerPid()).orElseThrow(), "new worker of the same master");
            }
            assertTrue(e.isRunning(), "the Emperor itself keeps running");
            Stats s = e.stats();
            assertEquals(2, s.vassals().size());
            assertEquals(e.pid(), s.pid());
        }
    }
}
