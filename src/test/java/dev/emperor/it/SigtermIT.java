package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SIGTERM (Ragnarok): every vassal master and every worker is gone, and the Emperor exits with status 0. */
@Timeout(60)
class SigtermIT {

    @Test
    void sigtermStopsEverythingAndExitsZero() throws Exception {
        int p1 = Ports.free();
        int p2 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("sigterm").build()) {
            Vassals.python("app1", p1).writeTo(e);
            Vassals.python("app2", p2).option("processes", "2").writeTo(e);
            e.start();
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
            e.awaitAnswer(p2, "app2", TempEmperor.SHORT);
            Stats s = e.awaitStats(TempEmperor.SHORT, "both accepting", st ->
                    st.vassal("app1.ini").filter(Stats.Vassal::accepting).isPresent()
                    && st.vassal("app2.ini").filter(Stats.Vassal::accepting).isPresent());
            // app2 has 2 workers: wait until all 3 workers are forked, then collect masters and workers
            e.await(TempEmperor.SHORT, "3 workers forked", () -> s.vassals().stream()
                    .mapToLong(v -> ProcTree.children(v.pid()).size()).sum() >= 3);
            List<ProcTree.Proc> procs = new ArrayList<>();
            for (Stats.Vassal v : s.vassals()) {
                procs.add(ProcTree.require(v.pid()));
                procs.addAll(ProcTree.children(v.pid()));
            }
            assertTrue(procs.size() >= 5, "2 masters + 3 workers collected: " + procs);

            e.signal("TERM");

            int code = e.awaitExit(Duration.ofSeconds(15));
            assertEquals(0, code, "exit status after SIGTERM\n" + e.diagnostics());
            assertTrue(e.logHas("\\[emperor\\] \\*\\*\\* RAGNAROK EVOKED \\*\\*\\*"), "Ragnarok logged");
            e.await(Duration.ofSeconds(5), "every vassal master and worker gone: " + procs,
                    () -> procs.stream().noneMatch(ProcTree::running));
            assertTrue(Http.tryGet(p1).isEmpty(), "port " + p1 + " closed");
            assertTrue(Http.tryGet(p2).isEmpty(), "port " + p2 + " closed");
        }
    }
}
