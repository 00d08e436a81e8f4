package dev.emperor.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.source.Monitor;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalNames;
import dev.emperor.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With live inotify watches that see every change and a settled loop, the periodic rescan does
 * nothing: no scan, no result handed to the loop; a file event, a request or every
 * {@link PeriodicScans#FULL_SCAN_EVERY}th period still scans (docs/operations.md, "Idle cost").
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QuietRescanTest {

    /** A directory monitor that counts its scans and says whether its watches see everything. */
    static final class CountingMonitor implements Monitor {
        final Path dir;
        final boolean seesEverything;
        final AtomicInteger scans = new AtomicInteger();

        CountingMonitor(Path dir, boolean seesEverything) {
            this.dir = dir;
            this.seesEverything = seesEverything;
        }

        @Override
        public String argument() {
            return dir.toString();
        }

        @Override
        public ScanResult scan() {
            scans.incrementAndGet();
            return new ScanResult(argument(), true, null, List.of(), List.of());
        }

        @Override
        public Set<Path> watchDirectories() {
            return Set.of(dir);
        }

        @Override
        public boolean watchesSeeEverything() {
            return seesEverything;
        }
    }

    private static Scanner scanner(CountingMonitor m, AtomicInteger handed, boolean settled) {
        Scanner s = new Scanner(List.of(m), Duration.ofMillis(2), r -> handed.incrementAndGet(),
                new dev.emperor.core.EmperorLog(null, () -> 0L));
        s.loopSettled(settled);
        return s;
    }

    @Test
    void aSettledWatchedDirectoryIsNotRescannedEveryPeriod(@TempDir Path dir) throws Exception {
        CountingMonitor m = new CountingMonitor(dir.toRealPath(), true);
        AtomicInteger handed = new AtomicInteger();
        try (Scanner s = scanner(m, handed, true)) {
            s.start();
            Await.until(Duration.ofSeconds(20), "three scans", () -> m.scans.get() >= 3);
            // nothing asked for a scan: each after the first waited FULL_SCAN_EVERY - 1 left-out periods
            assertTrue(s.periodsLeftOut() >= 2L * (PeriodicScans.FULL_SCAN_EVERY - 1), () -> "left out " + s.periodsLeftOut());
            assertEquals(m.scans.get(), handed.get(), "a left-out period hands nothing to the loop");

            int before = m.scans.get();
            Files.writeString(dir.resolve("new.ini"), "[uwsgi]\n");
            Await.until("the file event's scan", () -> m.scans.get() > before);
        }
    }

    @Test
    void anUnsettledLoopGetsEveryPeriodicRescan(@TempDir Path dir) throws Exception {
        CountingMonitor m = new CountingMonitor(dir.toRealPath(), true);
        try (Scanner s = scanner(m, new AtomicInteger(), false)) {
            s.start();
            Await.until(Duration.ofSeconds(20), "five scans", () -> m.scans.get() >= 5);
            assertEquals(0, s.periodsLeftOut());
        }
    }

    @Test
    void watchesThatMissChangesGetEveryPeriodicRescan(@TempDir Path dir) throws Exception {
        CountingMonitor m = new CountingMonitor(dir.toRealPath(), false);
        try (Scanner s = scanner(m, new AtomicInteger(), true)) {
            s.start();
            Await.until(Duration.ofSeconds(20), "five scans", () -> m.scans.get() >= 5);
            assertEquals(0, s.periodsLeftOut());
        }
    }

    @Test
    void theGateScansOnRequestAndEveryFullScanPeriod() {
        PeriodicScans p = new PeriodicScans();
        assertTrue(p.scanNow(false, true, true, true) == false);
        assertTrue(p.scanNow(true, true, true, true), "a request always scans");
        for (int i = 0; i < PeriodicScans.FULL_SCAN_EVERY - 1; i++) {
            assertFalse(p.scanNow(false, true, true, true));
        }
        assertTrue(p.scanNow(false, true, true, true), "the safety net's own period");
        assertTrue(p.scanNow(false, false, true, true), "loop not settled");
        assertTrue(p.scanNow(false, true, false, true), "no live watch");
        assertTrue(p.scanNow(false, true, true, false), "watches miss changes");
    }

    @Test
    void onlyPlainFilesOnALocalFilesystemAreSeenByTheWatch(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.ini"), "[uwsgi]\n");
        Files.writeString(dir.resolve("notes.txt"), "not a vassal name");
        DirMonitor local = new DirMonitor(dir, new VassalNames(List.of()), false, List.of(), null,
                EntryInspector.ContentReader.FILES, d -> true);
        local.scan();
        assertTrue(local.watchesSeeEverything());

        DirMonitor remote = new DirMonitor(dir, new VassalNames(List.of()), false, List.of(), null,
                EntryInspector.ContentReader.FILES, d -> false);
        remote.scan();
        assertFalse(remote.watchesSeeEverything(), "NFS and the like: changes by others raise no event here");

        Path target = Files.writeString(dir.resolve("elsewhere.txt"), "[uwsgi]\n");
        Files.createSymbolicLink(dir.resolve("b.ini"), target);
        local.scan();
        assertFalse(local.watchesSeeEverything(), "a symlink's target changes with no event in this directory");

        Files.delete(dir.resolve("b.ini"));
        local.scan();
        assertTrue(local.watchesSeeEverything());
        Files.createLink(dir.resolve("c.ini"), dir.resolve("a.ini"));
        local.scan();
        assertFalse(local.watchesSeeEverything(), "another link of the file can change it");

        Files.delete(dir.resolve("c.ini"));
        Files.writeString(dir.resolve("a.ini"), "[uwsgi]\nmaster = 1\n"); // one link again
        local.scan();
        assertTrue(local.watchesSeeEverything());
        Files.createDirectory(dir.resolve("d.ini"));
        local.scan();
        assertFalse(local.watchesSeeEverything(), "anything but a regular file: the periodic scan stays");
    }

    @Test
    void localFilesystemTypes() {
        assertTrue(LocalFilesystems.isLocal("ext4"));
        assertTrue(LocalFilesystems.isLocal("tmpfs"));
        assertFalse(LocalFilesystems.isLocal("nfs4"));
        assertFalse(LocalFilesystems.isLocal("cifs"));
        assertFalse(LocalFilesystems.isLocal("fuse.sshfs"));
        assertFalse(LocalFilesystems.isLocal("overlay"));
    }
}
