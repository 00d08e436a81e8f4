package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The vassals directory deleted (rm -rf) and created again with other files. The inotify watch dies with the
 * old directory's inode; the Emperor must watch the new one and start its vassals at once, not at the next
 * {@code emperor-freq} (30 s here, so the periodic rescan cannot be what makes this pass). The vassal of the
 * deleted directory ends up stopped (at the latest by the first scan of the new directory: while the directory
 * is missing, a scan concludes nothing, as in uWSGI, so a vassal may run on until then), no zombies.
 */
@Timeout(60)
class VassalDirRecreatedIT {

    private static final Duration FAST = Duration.ofSeconds(10); // one uWSGI start + margin, far below 30 s

    @Test
    void recreatedDirectoryIsWatchedAgainAndItsVassalsStartAtOnce() throws Exception {
        int pa = Ports.free();
        int pc = Ports.free();
        int pd = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("dir-recreated").option("emperor-freq", "30").build()) {
            Vassals.python("olda", pa).writeTo(e);
            e.start();
            e.awaitAnswer(pa, "olda", TempEmperor.SHORT);
            ProcTree.Proc oldMaster = ProcTree.require(
                    e.awaitVassal("olda.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid());

            int mark = e.log().mark();
            TempEmperor.deleteTree(e.vassalsDir());
            // the deletion is noticed (by inotify: 30 s would be the rescan): the vassal is stopped because its
            // file went first, or the scan found no directory and keeps the vassals as they are
            e.awaitLog(mark, "stop the uwsgi instance olda\\.ini|cannot read directory", FAST);

            long t0 = System.nanoTime();
            Files.createDirectories(e.vassalsDir());
            Vassals.python("newc", pc).writeTo(e);
            e.awaitAnswer(pc, "newc", FAST);
            long recreatedMs = (System.nanoTime() - t0) / 1_000_000;

            e.await(FAST, "the vassal of the deleted directory stopped and reaped",
                    () -> !ProcTree.running(oldMaster) && e.stats().vassal("olda.ini").isEmpty());
            e.await(FAST, "port " + pa + " closed", () -> Http.tryGet(pa).isEmpty());

            // the new directory's own watch works (not only the one that saw it being created)
            long t1 = System.nanoTime();
            Vassals.python("newd", pd).writeTo(e);
            e.awaitAnswer(pd, "newd", FAST);
            long addedMs = (System.nanoTime() - t1) / 1_000_000;

            System.out.println("[VassalDirRecreatedIT] recreated dir -> new vassal answering: " + recreatedMs
                    + " ms; file added to it -> answering: " + addedMs + " ms (emperor-freq 30 s)");
            List<ProcTree.Proc> zombies = ProcTree.zombieChildren(e.pid());
            assertTrue(zombies.isEmpty(), "no unreaped children: " + zombies);
            assertTrue(e.isRunning());
        }
    }
}
