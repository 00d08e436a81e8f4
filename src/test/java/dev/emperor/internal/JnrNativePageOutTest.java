package dev.emperor.internal;

import static dev.emperor.internal.NativeTestSupport.NATIVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** madvise(MADV_PAGEOUT) through the facade, on a real file mapping of this JVM (docs/operations.md, "Start-up pages"). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JnrNativePageOutTest {
    private static final int SIZE = 4 << 20;

    @Test
    void theTouchedPagesOfAFileMappingLeaveTheResidentSet() throws Exception {
        // in the build directory, not /tmp: a tmpfs file's pages are swap-backed, and with no swap the
        // kernel cannot reclaim them (the daemon's own mappings are the JDK's and the jar's, on disk)
        Path tmp = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "page-out-");
        tmp.toFile().deleteOnExit();
        Path file = tmp.resolve("mapped");
        file.toFile().deleteOnExit();
        Files.write(file, new byte[SIZE]);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, SIZE);
            long[] range = rangeOf(file.toRealPath().toString());
            assertNotNull(range, "the mapping is in /proc/self/maps");
            long before = -1;
            long after = -1;
            // a page read in on another CPU may still sit in that CPU's LRU batch, where the kernel
            // cannot take it: another try after touching again (bounded, no sleeps)
            for (int attempt = 0; attempt < 10; attempt++) {
                int sum = 0;
                for (int i = 0; i < SIZE; i += 4096) {
                    sum += map.get(i);
                }
                assertEquals(0, sum);
                before = rssKb(range[0]);
                assertEquals(0, NATIVE.pageOut(range[0], range[1] - range[0]));
                after = rssKb(range[0]);
                if (after < before / 2) {
                    break;
                }
            }
            assertTrue(before >= SIZE / 1024 / 2, "touched: " + before + " KB resident");
            assertTrue(after < before / 2, "paged out: " + before + " KB -> " + after + " KB");
        }
    }

    @Test
    void aRangeWithNothingMappedIsRefusedWithEnomem() {
        // the top of the lowest 64 KB, never mapped (vm.mmap_min_addr)
        assertEquals(-Errno.ENOMEM, NATIVE.pageOut(0x1000, 0x1000));
    }

    private static long[] rangeOf(String path) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.endsWith(" " + path)) {
                String[] f = line.split("\\s+")[0].split("-");
                return new long[] {Long.parseUnsignedLong(f[0], 16), Long.parseUnsignedLong(f[1], 16)};
            }
        }
        return null;
    }

    private static long rssKb(long start) throws Exception {
        List<String> smaps = Files.readAllLines(Path.of("/proc/self/smaps"));
        String head = Long.toHexString(start) + "-";
        for (int i = 0; i < smaps.size(); i++) {
            if (smaps.get(i).startsWith(head)) {
                for (int j = i + 1; j < smaps.size(); j++) {
                    if (smaps.get(j).startsWith("Rss:")) {
                        return Long.parseLong(smaps.get(j).replaceAll("[^0-9]", ""));
                    }
                }
            }
        }
        throw new AssertionError("no smaps entry at " + head);
    }
}
