package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A newer mtime on a vassal file reloads that vassal through the emperor pipe (byte 1): the master keeps its
 * pid and re-execs, a new worker serves, {@code respawns} counts the reload.
 */
@Timeout(60)
class TouchReloadIT {

    private static final Pattern RELOAD_APP1 = Pattern.compile("\\[emperor\\] reload the uwsgi instance app1\\.ini");

    @Test
    void touchReloadsTheVassalInPlace() throws Exception {
        int p1 = Ports.free();
        int p2 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("touch-reload").build()) {
            Path cfg = Vassals.python("app1", p1).writeTo(e);
            Vassals.python("app2", p2).writeTo(e);
            e.start();
            long worker = e.awaitAnswer(p1, "app1", TempEmperor.SHORT).workerPid();
            e.awaitAnswer(p2, "app2", TempEmperor.SHORT);
            Stats.Vassal before = e.awaitVassal("app1.ini", TempEmperor.SHORT, "accepting", Stats.Vassal::accepting);
            long pid2 = e.stats().vassal("app2.ini").orElseThrow().pid();

            // whole seconds forward, so that uWSGI's 1-second comparison sees it too
            touch(cfg, Files.getLastModifiedTime(cfg).toInstant().plusSeconds(2));

            e.awaitLog("\\[emperor\\] reload the uwsgi instance app1\\.ini", TempEmperor.SHORT);
            Stats.Vassal after = e.awaitVassal("app1.ini", TempEmperor.SHORT, "respawns == 1",
                    v -> v.respawns() == 1);
            assertEquals(before.pid(), after.pid(), "a reload keeps the master pid");
            Http.Response r = e.awaitAnswer(p1, "app1", TempEmperor.SHORT, x -> x.workerPid() != worker,
                    "from a new worker");
            assertEquals(before.pid(), ProcTree.ppid(r.workerPid()).orElseThrow(), "new worker of the same master");
            assertTrue(ProcTree.running(before.pid()), "master still running");
            e.awaitVassal("app1.ini", TempEmperor.SHORT, "accepting again", Stats.Vassal::accepting);
            assertTrue(after.num("last_mod") > before.num("last_mod"), "last_mod follows the mtime");

            // the other vassal is untouched
            Stats.Vassal other = e.stats().vassal("app2.ini").orElseThrow();
            assertEquals(pid2, other.pid());
            assertEquals(0, other.respawns(), "app2 not reloaded");
            assertEquals(1, e.log().count(0, RELOAD_APP1), "exactly one reload of app1");
        }
    }

    /**
     * Deliberate improvement: the daemon compares the full-precision mtime, so a second change within the same
     * wall-clock second still reloads (uWSGI compares whole seconds and misses it). The two mtimes used are
     * S+0.1 s and S+0.6 s of one second S: exactly what two edits within one second produce.
     */
    @Test
    void secondTouchWithinTheSameSecondAlsoReloads() throws Exception {
        int p1 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("touch-same-second").build()) {
            Path cfg = Vassals.python("app1", p1).writeTo(e);
            e.start();
            long worker0 = e.awaitAnswer(p1, "app1", TempEmperor.SHORT).workerPid();
            long pid = e.awaitVassal("app1.ini", TempEmperor.SHORT, "accepting", Stats.Vassal::accepting).pid();

            Instant second = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 3);
            touch(cfg, second.plusMillis(100));
            e.awaitVassal("app1.ini", TempEmperor.SHORT, "respawns == 1", v -> v.respawns() == 1);
            long worker1 = e.awaitAnswer(p1, "app1", TempEmperor.SHORT, x -> x.workerPid() != worker0,
                    "from a new worker after the first touch").workerPid();

            touch(cfg, second.plusMillis(600));
            if (e.impl() == Impl.UWSGI) {
                // uWSGI: st_mtime (seconds) unchanged -> no reload. Shows the test tells the two apart.
                e.holds(Duration.ofSeconds(3), "uWSGI does not see a change within the same second",
                        () -> e.stats().vassal("app1.ini").orElseThrow().respawns() == 1);
                Assumptions.abort("deliberate improvement over uWSGI (whole-second mtime), which missed it as expected");
            }
            e.awaitLog("\\[emperor\\] reload the uwsgi instance app1\\.ini", TempEmperor.SHORT);
            Stats.Vassal v = e.awaitVassal("app1.ini", TempEmperor.SHORT, "respawns == 2", x -> x.respawns() == 2);
            assertEquals(pid, v.pid(), "same master");
            Http.Response r = e.awaitAnswer(p1, "app1", TempEmperor.SHORT, x -> x.workerPid() != worker1,
                    "from a new worker after the second touch");
            assertNotEquals(worker0, r.workerPid());
            assertEquals(2, e.log().count(0, RELOAD_APP1), "two reloads");
        }
    }

    static void touch(Path file, Instant when) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(when));
    }
}
