package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Vassals present when the Emperor starts are spawned, report ready/accepting and serve HTTP. */
@Timeout(60)
class SpawnAtStartIT {

    @Test
    void vassalsPresentAtStartAreSpawnedAndServe() throws Exception {
        int p1 = Ports.free();
        int p2 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("spawn-at-start").build()) {
            Vassals.python("app1", p1).writeTo(e);
            // app2 names its wsgi-file relatively: works only if the vassal runs in the monitored dir
            Vassals.python("app2", p2).relativeApp().writeTo(e);
            e.start();

            Http.Response r1 = e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
            Http.Response r2 = e.awaitAnswer(p2, "app2", TempEmperor.SHORT);

            Stats s = e.awaitStats(TempEmperor.SHORT, "both vassals ready and accepting", st ->
                    st.vassal("app1.ini").filter(v -> v.pid() > 0 && v.ready() && v.accepting()).isPresent()
                    && st.vassal("app2.ini").filter(v -> v.pid() > 0 && v.ready() && v.accepting()).isPresent());
            assertEquals(e.pid(), s.pid(), "stats pid is the Emperor's pid");
            String dir = e.vassalsDir().toRealPath().toString();
            assertTrue(s.root().list("emperor").contains(dir), "emperor[] lists the monitored dir: " + s.raw());
            for (String id : new String[] {"app1.ini", "app2.ini"}) {
                Stats.Vassal v = s.vassal(id).orElseThrow();
                assertEquals(dir, v.obj().str("monitor"), "monitor of " + id);
                assertEquals(0, v.respawns(), "respawns of " + id);
                assertEquals(0, v.cursed(), "cursed of " + id);
                // the vassal master is a direct child of the Emperor, and serves through its own worker
                assertEquals(e.pid(), ProcTree.ppid(v.pid()).orElseThrow(), "parent of vassal " + id);
            }
            long w1 = r1.workerPid();
            long w2 = r2.workerPid();
            assertEquals(s.vassal("app1.ini").orElseThrow().pid(), ProcTree.ppid(w1).orElseThrow(), "app1 worker parent");
            assertEquals(s.vassal("app2.ini").orElseThrow().pid(), ProcTree.ppid(w2).orElseThrow(), "app2 worker parent");

            e.awaitLog("\\[emperor\\] vassal app1\\.ini has been spawned", TempEmperor.SHORT);
            e.awaitLog("\\[emperor\\] vassal app2\\.ini is ready to accept requests", TempEmperor.SHORT);
            // a served request makes the worker announce its loyalty
            e.awaitLog("\\[emperor\\] vassal app1\\.ini is now loyal", TempEmperor.SHORT);
            e.awaitVassal("app2.ini", TempEmperor.SHORT, "loyal after a request", Stats.Vassal::loyal);
            assertTrue(e.logHas("\\*\\*\\* starting uWSGI Emperor \\*\\*\\*"), "startup banner");
            assertTrue(Path.of(dir).isAbsolute());
        }
    }
}
