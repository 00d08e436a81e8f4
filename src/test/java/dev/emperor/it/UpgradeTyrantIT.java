package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.testing.TestUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * In-place upgrade (docs/upgrade.md) of a Tyrant Emperor (docs/capabilities.md): as root, with
 * vassals owned by two test users under a client loop, each keeps its master pid and its owner and is
 * governed after; and the unprivileged Tyrant ({@code uid}/{@code gid} + {@code cap = setgid,setuid}),
 * whose kept capabilities must cross the exec (raised as ambient just before it): after the upgrade it
 * still runs as the unprivileged user, and a new vassal file owned by a test user is spawned as that
 * user. Root-only (fails under CI=true).
 */
@Timeout(240)
class UpgradeTyrantIT {
    TestUsers.User a;
    TestUsers.User b;
    TestUsers.User c;

    @BeforeEach
    void users() {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "in-place upgrade is ours");
        a = TestUsers.ensure(TestUsers.A);
        b = TestUsers.ensure(TestUsers.B);
        c = TestUsers.ensure(TestUsers.C);
    }

    @Test
    void rootTyrantVassalsKeepTheirMastersAndOwners() throws Exception {
        int pa = Ports.free();
        int pb = Ports.free();
        try (UpgradeKit kit = UpgradeKit.install("upgrade-tyrant");
             TempEmperor e = tyrant(kit, "upgrade-tyrant")) {
            TyrantIT.write(e, Vassals.python("ua", pa, "processes = 2"), a);
            TyrantIT.write(e, Vassals.python("ub", pb), b);
            e.start();
            e.awaitAnswer(pa, "ua", TempEmperor.SHORT);
            e.awaitAnswer(pb, "ub", TempEmperor.SHORT);
            long ma = e.awaitVassal("ua.ini", TempEmperor.SHORT, "accepting", Stats.Vassal::accepting).pid();
            long mb = e.awaitVassal("ub.ini", TempEmperor.SHORT, "accepting", Stats.Vassal::accepting).pid();

            UpgradeKit.ClientLoop clients = new UpgradeKit.ClientLoop(Map.of("ua", pa, "ub", pb));
            kit.swapInNewVersion();
            System.out.println("[upgrade-tyrant] " + UpgradeKit.upgrade(e).strip());
            clients.stopAndCheck(e);

            Stats s = e.stats();
            assertEquals(ma, s.vassal("ua.ini").orElseThrow().pid(), "ua keeps its master");
            assertEquals(mb, s.vassal("ub.ini").orElseThrow().pid(), "ub keeps its master");
            TyrantIT.assertRunsAs(ma, a, "ua master");
            TyrantIT.assertRunsAs(mb, b, "ub master");
            for (long w : TyrantIT.workers(ma)) {
                TyrantIT.assertRunsAs(w, a, "ua worker");
            }

            // governed: a touch reloads ua (same master, its workers again as a), a new file of b's is spawned as b
            int touch = e.log().mark();
            Files.setLastModifiedTime(e.vassalsDir().resolve("ua.ini"), FileTime.from(Instant.now().plusSeconds(5)));
            e.awaitLog(touch, "\\[emperor\\] reload the uwsgi instance ua\\.ini", TempEmperor.SHORT);
            e.awaitVassal("ua.ini", TempEmperor.SHORT, "respawns == 1", v -> v.respawns() == 1 && v.pid() == ma);
            e.await(TempEmperor.SHORT, "ua's 2 workers again", () -> TyrantIT.workers(ma).size() == 2);
            for (long w : TyrantIT.workers(ma)) {
                TyrantIT.assertRunsAs(w, a, "ua worker after the reload");
            }
            int pc = Ports.free();
            TyrantIT.write(e, Vassals.python("uc", pc), b);
            e.awaitAnswer(pc, "uc", TempEmperor.SHORT);
            long mc = e.awaitVassal("uc.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();
            TyrantIT.assertRunsAs(mc, b, "uc master (new after the upgrade)");

            sigtermStopsAll(e, List.of(ma, mb, mc));
        }
    }

    @Test
    void unprivilegedTyrantKeepsItsCapabilitiesAcrossTheExec() throws Exception {
        int pa = Ports.free();
        int pb = Ports.free();
        try (UpgradeKit kit = UpgradeKit.install("upgrade-tyrant-unpriv");
             TempEmperor e = tyrant(kit, "upgrade-tyrant-unpriv", "uid", TestUsers.C, "gid", TestUsers.C,
                     "cap", "setgid,setuid")) {
            TyrantIT.write(e, Vassals.python("ua", pa), a);
            e.start();
            e.awaitAnswer(pa, "ua", TempEmperor.SHORT);
            long ma = e.awaitVassal("ua.ini", TempEmperor.SHORT, "accepting", Stats.Vassal::accepting).pid();
            String cUids = c.uid() + " " + c.uid() + " " + c.uid() + " " + c.uid();
            assertEquals(cUids, UnprivilegedTyrantIT.ids(e.pid(), "Uid"), "Emperor uids before");

            UpgradeKit.ClientLoop clients = new UpgradeKit.ClientLoop(Map.of("ua", pa));
            kit.swapInNewVersion();
            System.out.println("[upgrade-tyrant-unpriv] " + UpgradeKit.upgrade(e).strip());
            clients.stopAndCheck(e);

            // still the unprivileged user, holding setgid+setuid and nothing more
            assertEquals(cUids, UnprivilegedTyrantIT.ids(e.pid(), "Uid"), "Emperor uids after the upgrade");
            assertEquals(c.gid() + " " + c.gid() + " " + c.gid() + " " + c.gid(), UnprivilegedTyrantIT.ids(e.pid(), "Gid"),
                    "Emperor gids after the upgrade");
            Map<String, Long> perThread = UnprivilegedTyrantIT.threadCaps(e.pid());
            System.out.println("[upgrade-tyrant-unpriv] Emperor threads by CapPrm after the upgrade: " + perThread);
            assertTrue(perThread.keySet().stream().allMatch(m -> m.equals("00000000000000c0") || m.equals("0000000000000000")),
                    "a thread of the Emperor holds more than setgid,setuid: " + perThread);
            assertEquals(ma, e.stats().vassal("ua.ini").orElseThrow().pid(), "ua keeps its master");
            TyrantIT.assertRunsAs(ma, a, "ua master");

            // the caps survived: a new vassal file owned by b is spawned as b
            TyrantIT.write(e, Vassals.python("ub", pb), b);
            e.awaitAnswer(pb, "ub", TempEmperor.SHORT);
            long mb = e.awaitVassal("ub.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();
            TyrantIT.assertRunsAs(mb, b, "ub master (new after the upgrade)");
            for (String set : List.of("CapEff", "CapPrm", "CapInh", "CapAmb")) {
                // the Emperor's own ambient set (raised for the exec) must not reach a vassal
                assertEquals("0000000000000000", ProcTree.status(mb, set).orElseThrow().trim(), "ub " + set);
            }

            sigtermStopsAll(e, List.of(ma, mb));
        }
    }

    private static TempEmperor tyrant(UpgradeKit kit, String name, String... options) throws java.io.IOException {
        TempEmperor.Builder bld = kit.apply(TempEmperor.prepare(name)).option("emperor-tyrant", "true");
        for (int i = 0; i < options.length; i += 2) {
            bld.option(options[i], options[i + 1]);
        }
        TempEmperor e = bld.build();
        TestUsers.openUp(e.root(), e.vassalsDir(), e.appsDir()); // temp dirs are 0700: the users must get in
        return e;
    }

    private static void sigtermStopsAll(TempEmperor e, List<Long> masters) throws Exception {
        List<ProcTree.Proc> procs = new ArrayList<>();
        for (long m : masters) {
            procs.add(ProcTree.require(m));
            procs.addAll(ProcTree.children(m));
        }
        e.signal("TERM");
        assertEquals(0, e.awaitExit(Duration.ofSeconds(30)), "exit status after SIGTERM\n" + e.diagnostics());
        e.await(Duration.ofSeconds(10), "every vassal process gone: " + procs, () -> procs.stream().noneMatch(ProcTree::running));
        for (long m : masters) {
            assertTrue(!Files.exists(Path.of("/proc/" + m)) || !ProcTree.running(m), "master " + m + " gone");
        }
    }
}
