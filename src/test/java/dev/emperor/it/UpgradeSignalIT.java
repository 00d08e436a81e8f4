package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Debian package's trigger for an in-place upgrade (docs/upgrade.md, "Triggers"): the postinst
 * checks that the running daemon blocks SIGRTMIN+2 (SigBlk in /proc/PID/status: its launcher blocked
 * it, the daemon reads it from a signalfd) and then sends it. The daemon upgrades in place: same pid,
 * the vassal keeps its master.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class UpgradeSignalIT {
    /** SIGRTMIN+2 with glibc, as packaging/debian/postinst sends it. */
    static final int SIGUPGRADE = 36;

    @Test
    void sigrtminPlus2UpgradesInPlace() throws Exception {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "in-place upgrade is ours");
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("upgrade-signal").viaLauncher().build()) {
            Vassals.python("sig", port).writeTo(e);
            e.start();
            e.awaitAnswer(port, "sig", TempEmperor.SHORT);
            long master = e.awaitVassal("sig.ini", TempEmperor.SHORT, "accepting", Stats.Vassal::accepting).pid();

            // what the postinst reads before it sends anything
            String status = Files.readString(Path.of("/proc/" + e.pid() + "/status"));
            String sigBlk = status.lines().filter(l -> l.startsWith("SigBlk:")).findFirst().orElseThrow().split("\\s+")[1];
            assertEquals(1, (Long.parseUnsignedLong(sigBlk, 16) >>> (SIGUPGRADE - 1)) & 1,
                    "the launcher blocks SIGRTMIN+2 in the daemon: SigBlk " + sigBlk);

            int mark = e.log().mark();
            assertEquals(0, TempEmperor.kill(Integer.toString(SIGUPGRADE), e.pid()));
            e.awaitLog(mark, "\\*\\*\\* SIGRTMIN\\+2: in-place upgrade requested \\*\\*\\*", TempEmperor.SHORT);
            e.awaitLog(mark, "\\*\\*\\* in-place upgrade from .+ done: gap \\S+ ms, 1 vassals resumed \\*\\*\\*",
                    Duration.ofSeconds(60));
            assertTrue(e.isRunning(), "the Emperor runs on");
            Stats s = e.awaitStats(TempEmperor.SHORT, "upgrades == 1", x -> x.root().num("upgrades") == 1);
            assertEquals(e.pid(), s.pid(), "same pid");
            assertEquals(master, s.vassal("sig.ini").orElseThrow().pid(), "the vassal keeps its master");
            e.awaitAnswer(port, "sig", TempEmperor.SHORT);

            e.signal("TERM");
            assertEquals(0, e.awaitExit(Duration.ofSeconds(30)));
        }
    }

    /**
     * With emperor-no-pdeathsig (the Debian package's emperor.ini) vassals carry no parent-death signal, so a
     * vassal handed over by one upgrade survives the next (docs/upgrade.md, "Parent-death signals and
     * generations"): three upgrades in a row, the same master throughout.
     */
    @Test
    void withoutParentDeathSignalsEveryUpgradeIsTaken() throws Exception {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "in-place upgrade is ours");
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("upgrade-no-pdeathsig").viaLauncher()
                .option("emperor-no-pdeathsig", "true").build()) {
            Vassals.python("np", port).writeTo(e);
            e.start();
            e.awaitAnswer(port, "np", TempEmperor.SHORT);
            long master = e.awaitVassal("np.ini", TempEmperor.SHORT, "accepting", Stats.Vassal::accepting).pid();
            for (int round = 1; round <= 3; round++) {
                int mark = e.log().mark();
                assertEquals(0, TempEmperor.kill(Integer.toString(SIGUPGRADE), e.pid()));
                e.awaitLog(mark, "\\*\\*\\* in-place upgrade from .+ done: gap \\S+ ms, 1 vassals resumed \\*\\*\\*",
                        Duration.ofSeconds(60));
                final int n = round;
                Stats s = e.awaitStats(TempEmperor.SHORT, "upgrades == " + n, x -> x.root().num("upgrades") == n);
                assertEquals(master, s.vassal("np.ini").orElseThrow().pid(), "round " + round + ": the vassal keeps its master");
                e.awaitAnswer(port, "np", TempEmperor.SHORT);
            }
            e.signal("TERM");
            assertEquals(0, e.awaitExit(Duration.ofSeconds(30)));
        }
    }

    /**
     * "A vassal mid-reload finishes as if nothing happened" (issue #15): the app takes 8 s to import, the
     * touch's reload is under way when the upgrade execs, and the vassal's ready/accepting bytes reach the
     * new process, which counts the reload (same master, respawns 1).
     */
    @Test
    void aReloadUnderWayFinishesAfterTheUpgrade() throws Exception {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "in-place upgrade is ours");
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("upgrade-mid-reload").viaLauncher().build()) {
            Vassals.python("slow", port).writeTo(e);
            Vassals.writeAtomically(e.appsDir().resolve("slow.py"), "import time\ntime.sleep(8)\n" + Vassals.app("slow"));
            e.start();
            e.awaitAnswer(port, "slow", Duration.ofSeconds(60));
            long master = e.awaitVassal("slow.ini", Duration.ofSeconds(30), "accepting", Stats.Vassal::accepting).pid();

            int mark = e.log().mark();
            Files.setLastModifiedTime(e.vassalsDir().resolve("slow.ini"),
                    java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
            e.awaitLog(mark, "\\[emperor\\] reload the uwsgi instance slow\\.ini", TempEmperor.SHORT);
            assertEquals(0, TempEmperor.kill(Integer.toString(SIGUPGRADE), e.pid()));
            e.awaitLog(mark, "\\*\\*\\* in-place upgrade from .+ done: gap \\S+ ms, 1 vassals resumed \\*\\*\\*",
                    Duration.ofSeconds(60));
            Stats.Vassal after = e.awaitVassal("slow.ini", Duration.ofSeconds(60), "accepting again after its reload",
                    v -> v.accepting() && v.respawns() == 1);
            assertEquals(master, after.pid(), "the reload kept its master");
            List<String> lines = e.log().lines(mark);
            int done = indexOf(lines, "in-place upgrade from");
            int ready = indexOf(lines, "WSGI app 0 (mountpoint='') ready");
            assertTrue(done >= 0 && ready > done, "the reload was still under way at the upgrade: done at line " + done
                    + ", the app ready again at line " + ready + "\n" + String.join("\n", lines));
            e.awaitAnswer(port, "slow", TempEmperor.SHORT);
            e.signal("TERM");
            assertEquals(0, e.awaitExit(Duration.ofSeconds(30)));
        }
    }

    static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
