package dev.emperor.monitor;

import dev.emperor.source.VassalSource;
import dev.emperor.source.ScanResult;
import dev.emperor.source.LookFailed;
import dev.emperor.source.Skipped;
import dev.emperor.source.VassalNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.Errno;
import dev.emperor.internal.JnrNative;
import dev.emperor.testing.FdFiller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed look is not an absence (docs/reliability.md): with this JVM's fds really used up, a scan
 * reports the names it could not look at (or fails as a whole), never an empty directory. Before this
 * rule, the files of running vassals came back as "skipping X.ini ... not readable ... open: errno 24"
 * and their vassals were stopped.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OutOfFdsScanTest {

    @BeforeAll
    static void loadClassesWhileFdsAreFree() throws Exception {
        // out of fds, not even a class file could be opened: load what the failure paths use now
        JnrNative.load();
        for (String c : List.of("dev.emperor.source.LookFailed", "dev.emperor.internal.Errno",
                "dev.emperor.internal.Errno$ErrnoException", "dev.emperor.internal.Errno$Resource",
                "dev.emperor.source.Skipped", "dev.emperor.internal.RegularFiles$NotRegularFileException")) {
            Class.forName(c);
        }
    }

    static List<String> names(ScanResult r) {
        return r.vassals().stream().map(VassalSource::name).sorted().toList();
    }

    @Test
    void dirMonitorOutOfFdsListsNamesAsNotLookedAtAndOpendirFailureFailsTheScan(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.ini"), "[uwsgi]\nmaster = 1\n");
        Files.writeString(dir.resolve("b.ini"), "[uwsgi]\nmaster = 1\n");
        DirMonitor m = new DirMonitor(dir, new VassalNames(List.of()), false, List.of(), null);
        assertEquals(List.of("a.ini", "b.ini"), names(m.scan()), "warm-up: both found");
        ScanResult oneFree; // out of fds once the directory is open
        ScanResult warmOneFree;
        ScanResult noneFree;
        // a monitor that has not read these files yet (a warm one only stats unchanged files)
        DirMonitor cold = new DirMonitor(dir, new VassalNames(List.of()), false, List.of(), null);
        try (FdFiller f = FdFiller.leaving(2)) {
            // the JDK's directory stream takes the last two (open + dup for its SecureDirectoryStream):
            // every open(2) of a file then fails with EMFILE
            oneFree = cold.scan();
            warmOneFree = m.scan();
        }
        assertEquals(List.of("a.ini", "b.ini"), names(warmOneFree), "unchanged files need no open(2)");
        try (FdFiller f = FdFiller.leaving(0)) {
            noneFree = m.scan(); // opendir itself fails
        }
        assertTrue(oneFree.ok(), oneFree::toString);
        assertEquals(List.of(), oneFree.vassals());
        assertEquals(List.of(), oneFree.skipped(), "nothing said about the files themselves");
        assertEquals(List.of("a.ini", "b.ini"), oneFree.lookFailed().stream().map(LookFailed::name).sorted().toList());
        oneFree.lookFailed().forEach(l -> assertEquals(Errno.EMFILE, l.errno(), l.toString()));

        assertFalse(noneFree.ok(), noneFree::toString);
        assertEquals(Errno.EMFILE, noneFree.errno(), noneFree::toString);

        Files.delete(dir.resolve("b.ini"));
        ScanResult after = m.scan();
        assertEquals(List.of("a.ini"), names(after), "ENOENT is an answer: b.ini is gone");
        assertEquals(List.of(), after.lookFailed());
    }

    @Test
    void globMonitorWhoseDirectoryCannotBeOpenedFailsInsteadOfMatchingNothing(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.ini"), "[uwsgi]\nmaster = 1\n");
        GlobMonitor m = new GlobMonitor(dir + "/*.ini", dir, new VassalNames(List.of()), false, List.of(), null);
        assertEquals(List.of(dir + "/a.ini"), names(m.scan()));
        ScanResult noneFree;
        try (FdFiller f = FdFiller.leaving(0)) {
            noneFree = m.scan();
        }
        assertFalse(noneFree.ok(), "an unreadable directory matched nothing: " + noneFree);
        assertEquals(Errno.EMFILE, noneFree.errno());
        Files.delete(dir.resolve("a.ini"));
        assertEquals(List.of(), names(m.scan()), "the directory read fine and a.ini is gone");
    }
}
