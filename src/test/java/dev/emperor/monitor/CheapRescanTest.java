package dev.emperor.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalNames;
import dev.emperor.source.VassalSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A rescan stats every entry and reads only the files whose inode, mtime, ctime or size changed. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CheapRescanTest {

    /** Every content read a scan makes, by file name. */
    static final class CountingReader implements EntryInspector.ContentReader {
        final List<String> reads = new ArrayList<>();

        @Override
        public byte[] head(Path path, int max, boolean nofollow) throws IOException {
            reads.add("head " + path.getFileName());
            return FILES.head(path, max, nofollow);
        }

        @Override
        public Map<String, String> attributes(Path path, String name, List<String> keys) throws IOException {
            reads.add("attrs " + path.getFileName());
            return FILES.attributes(path, name, keys);
        }
    }

    @Test
    void nothingChangedNothingRead(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 50; i++) {
            Files.writeString(dir.resolve("v" + i + ".ini"), "[uwsgi]\nsocket = /tmp/v" + i + ".sock\n");
        }
        Files.writeString(dir.resolve("empty.ini"), "");
        CountingReader reader = new CountingReader();
        DirMonitor monitor = new DirMonitor(dir, new VassalNames(List.of()), false, List.of(), null, reader);
        ScanResult first = monitor.scan();
        assertEquals(50, first.vassals().size());
        assertEquals(51 * 2 - 1, reader.reads.size(), reader.reads::toString); // the empty file has no attributes read

        reader.reads.clear();
        for (int i = 0; i < 3; i++) {
            ScanResult again = monitor.scan();
            assertEquals(List.of(), reader.reads);
            assertEquals(DirMonitorTest.names(first), DirMonitorTest.names(again));
            assertEquals(DirMonitorTest.skips(first), DirMonitorTest.skips(again));
            assertEquals(first.vassals(), again.vassals());
            for (int v = 0; v < first.vassals().size(); v++) {
                assertSame(first.vassals().get(v), again.vassals().get(v), "the same record, not a new one");
            }
        }
    }

    @Test
    void aChangedFileIsReadAgainAndOnlyIt(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.ini");
        Path b = dir.resolve("b.ini");
        Files.writeString(a, "[uwsgi]\nmaster = 1\n");
        Files.writeString(b, "[uwsgi]\nmaster = 1\n");
        CountingReader reader = new CountingReader();
        DirMonitor monitor = new DirMonitor(dir, new VassalNames(List.of()), false, List.of("x"), null, reader);
        monitor.scan();
        reader.reads.clear();

        // rewritten in place, same size, its mtime put back: the ctime still tells
        FileTime mtime = Files.getLastModifiedTime(a);
        Files.writeString(a, "[uwsgi]\nmaster = 2\n");
        Files.setLastModifiedTime(a, mtime);
        monitor.scan();
        assertEquals(List.of("head a.ini", "attrs a.ini"), reader.reads);

        // replaced by a rename (a new inode) with the very same mtime
        reader.reads.clear();
        Path tmp = dir.resolve("b.tmp");
        Files.writeString(tmp, "[emperor]\nx = 1\n[uwsgi]\nm=1\n");
        Files.setLastModifiedTime(tmp, Files.getLastModifiedTime(b));
        Files.move(tmp, b, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        ScanResult r = monitor.scan();
        assertEquals(List.of("head b.ini", "attrs b.ini"), reader.reads);
        assertEquals(Map.of("x", "1"), r.vassals().stream().filter(v -> v.name().equals("b.ini")).findFirst()
                .orElseThrow().attrs());

        // an emptied file is skipped at once, a file that is back is read again
        reader.reads.clear();
        Files.writeString(a, "");
        r = monitor.scan();
        assertEquals(List.of("head a.ini"), reader.reads);
        assertEquals("empty file", DirMonitorTest.skips(r).get("a.ini"));
        Files.delete(a);
        monitor.scan();
        Files.writeString(a, "");
        reader.reads.clear();
        monitor.scan();
        assertTrue(reader.reads.contains("head a.ini"), reader.reads::toString);
    }
}
