package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * In-place upgrade (docs/upgrade.md) of an Emperor in fork-server mode: the stand-in base and two
 * vassals adopted through it under a client loop, plus one vassal whose adoption is cut short by the
 * exec (it waits for a stopped base). No request fails; the base and the adopted masters keep their
 * pids and their {@code adopted} mark; the cut-short one starts over and is adopted once the base is
 * back; a touch re-adopts; {@code ctl stop} stops an adopted one; SIGTERM leaves nothing.
 */
@Timeout(240)
class UpgradeForkServerIT {

    @Test
    void adoptedVassalsCrossTheUpgrade() throws Exception {
        ForkServerFixture.requireOurs();
        int p1 = Ports.free();
        int p2 = Ports.free();
        int p3 = Ports.free();
        try (UpgradeKit kit = UpgradeKit.install("upgrade-fs");
             ForkServerFixture fs = ForkServerFixture.create("upgrade-fs", 1, kit::apply)) {
            TempEmperor e = fs.e;
            ForkServerFixture.vassal("a1", p1, "processes = 2").writeTo(e);
            ForkServerFixture.vassal("a2", p2).writeTo(e);
            e.start();
            fs.awaitBaseReady(Duration.ofSeconds(30));
            long m1 = fs.awaitAdoptedAndServing("a1.ini", "a1", p1, ForkServerFixture.ADOPT);
            long m2 = fs.awaitAdoptedAndServing("a2.ini", "a2", p2, ForkServerFixture.ADOPT);
            long base = fs.basePid();
            List<ProcTree.Proc> w1 = fs.awaitWorkers(m1, 2);

            // a vassal whose adoption is under way at the exec: the base is stopped, so it waits for it
            StatsHttp.Run stopBase = CtlIT.ctl(e, "stop", ForkServerFixture.BASE);
            assertEquals(0, stopBase.status(), stopBase.toString());
            Poll.until(TempEmperor.SHORT, "base gone", () -> !Files.exists(Path.of("/proc/" + base)));
            ForkServerFixture.vassal("a3", p3).writeTo(e);
            e.awaitLog("\\[emperor\\] vassal a3\\.ini waits for the fork server", TempEmperor.SHORT);

            UpgradeKit.ClientLoop clients = new UpgradeKit.ClientLoop(Map.of("a1", p1, "a2", p2));
            kit.swapInNewVersion();
            int mark = e.log().mark();
            String done = UpgradeKit.upgrade(e);
            System.out.println("[upgrade-fs] " + done.strip());
            clients.stopAndCheck(e);

            Stats s = e.stats();
            for (Map.Entry<String, Long> m : Map.of("a1.ini", m1, "a2.ini", m2).entrySet()) {
                Stats.Vassal v = s.vassal(m.getKey()).orElseThrow();
                assertEquals(m.getValue(), v.pid(), m.getKey() + " keeps its master");
                assertEquals(1, v.num("adopted"), m.getKey() + " still marked adopted\n" + s.raw());
                assertEquals(0, v.respawns(), m.getKey() + ": no spurious reload");
                fs.assertAdopted(m.getKey(), v.pid());
            }
            e.awaitLog(mark, "\\[emperor\\] in-place upgrade: the fork-server adoption of a3\\.ini was cut short; starting it again",
                    TempEmperor.SHORT);

            // the base back: the cut-short vassal is adopted (never plain-spawned)
            StatsHttp.Run startBase = CtlIT.ctl(e, "start", ForkServerFixture.BASE);
            assertEquals(0, startBase.status(), startBase.toString());
            fs.awaitAdoptedAndServing("a3.ini", "a3", p3, Duration.ofSeconds(30));

            // a touch re-adopts a1 (exit-on-reload: a new adopted master)
            int touch = e.log().mark();
            Files.setLastModifiedTime(e.vassalsDir().resolve("a1.ini"), FileTime.from(Instant.now().plusSeconds(5)));
            e.awaitLog(touch, "\\[emperor\\] reload the uwsgi instance a1\\.ini", TempEmperor.SHORT);
            e.awaitVassal("a1.ini", ForkServerFixture.ADOPT, "a new adopted pid", v -> v.pid() > 0 && v.pid() != m1
                    && v.num("adopted") == 1);
            long fresh1 = fs.awaitAdoptedAndServing("a1.ini", "a1", p1, ForkServerFixture.ADOPT);
            e.await(TempEmperor.SHORT, "the old a1 master and its workers gone",
                    () -> !Files.exists(Path.of("/proc/" + m1)) && w1.stream().noneMatch(ProcTree::exists));

            // ctl stop stops the adopted a2 (master and workers)
            List<ProcTree.Proc> a2procs = new ArrayList<>(ProcTree.children(m2));
            a2procs.add(ProcTree.require(m2));
            StatsHttp.Run stopA2 = CtlIT.ctl(e, "stop", "a2.ini");
            assertEquals(0, stopA2.status(), stopA2.toString());
            e.await(TempEmperor.SHORT, "a2 stopped", () -> a2procs.stream().noneMatch(ProcTree::running));
            assertTrue(Http.tryGet(p2).isEmpty(), "a2's port closed");
            e.awaitVassal("a2.ini", TempEmperor.SHORT, "stopped, reaped", v -> v.pid() <= 0);

            // SIGTERM stops everything, the adopted masters and the base included
            List<ProcTree.Proc> procs = new ArrayList<>();
            for (Stats.Vassal v : e.stats().vassals()) {
                if (v.pid() > 0) {
                    procs.add(ProcTree.require(v.pid()));
                    procs.addAll(ProcTree.children(v.pid()));
                }
            }
            assertTrue(procs.stream().anyMatch(p -> p.pid() == fresh1), "a1 among the processes: " + procs);
            e.signal("TERM");
            assertEquals(0, e.awaitExit(Duration.ofSeconds(30)), "exit status after SIGTERM\n" + e.diagnostics());
            e.await(Duration.ofSeconds(10), "every vassal process gone: " + procs, () -> procs.stream().noneMatch(ProcTree::running));
        }
    }
}
