package dev.emperor.monitor;

import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.RegularFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vassal files as a hostile user can shape them, at the level of the monitor's reading code. A FIFO or a
 * device where a config is expected must neither block the scanner thread (a plain open(O_RDONLY) of a FIFO
 * waits for a writer forever) nor be read without end ({@code /dev/zero}); the tests that would hang run under
 * {@code assertTimeoutPreemptively}, so a regression fails with a message instead of stalling the suite. The
 * stat-then-open race itself is not reproducible in a unit test: {@link Attributes#collect} opens without a
 * prior stat, which is the same situation.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileEntriesTest {

    private static final Duration QUICK = Duration.ofSeconds(5);
    private static final List<String> KEYS = List.of("owner", "tier");

    @Test
    void aFifoIsNeitherOpenedBlockingNorReadForAttributes(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("app.ini");
        mkfifo(fifo);
        Map<String, String> attrs = assertTimeoutPreemptively(QUICK,
                () -> Attributes.collect(fifo, "app.ini", KEYS), "Attributes.collect on a FIFO must not block");
        assertEquals(Map.of(), attrs);
        RegularFiles.NotRegularFileException e = assertTimeoutPreemptively(QUICK,
                () -> assertThrows(RegularFiles.NotRegularFileException.class,
                        () -> RegularFiles.readHead(fifo, 4096, false)));
        assertEquals("not a regular file (FIFO)", e.getReason());
        // and the monitor skips it with that reason
        ScanResult r = assertTimeoutPreemptively(QUICK, () -> new DirMonitor(dir, new VassalNames(List.of()), false, KEYS, null).scan());
        assertEquals("not a regular file (FIFO)", DirMonitorTest.skips(r).get("app.ini"));
    }

    @Test
    void aCharacterDeviceIsNotReadWithoutEnd() {
        // /dev/zero: Files.size says 0, and reading "the whole file" never ends
        Path zero = Path.of("/dev/zero");
        assertTrue(Files.exists(zero), "/dev/zero exists on Linux");
        Map<String, String> attrs = assertTimeoutPreemptively(QUICK,
                () -> Attributes.collect(zero, "zero.ini", KEYS), "Attributes.collect on /dev/zero must not read it");
        assertEquals(Map.of(), attrs);
        assertThrows(RegularFiles.NotRegularFileException.class, () -> RegularFiles.readHead(zero, 4096, false));
    }

    @Test
    void attributesReadIsBoundedEvenWhenTheFileGrowsPastTheLimit(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("big.ini");
        byte[] head = "[emperor]\nowner = alice\n".getBytes(StandardCharsets.US_ASCII);
        Files.write(f, head);
        assertEquals(Map.of("owner", "alice"), Attributes.collect(f, "big.ini", KEYS));
        // 3 MiB of comments: over the 1 MiB limit, so no attributes (and at most 1 MiB + 1 byte read)
        byte[] pad = "; padding padding padding padding\n".repeat(3 * 1024 * 1024 / 34).getBytes(StandardCharsets.US_ASCII);
        Files.write(f, pad, java.nio.file.StandardOpenOption.APPEND);
        assertEquals(Map.of(), Attributes.collect(f, "big.ini", KEYS));
        assertEquals(1 << 20, RegularFiles.readHead(f, 1 << 20, false).length);
    }

    @Test
    void aOneMegabyteLineAndInvalidUtf8AreHarmless(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("long.ini");
        String longLine = "; " + "x".repeat(1_000_000) + "\n";
        byte[] bad = {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, '\n'};
        try (var out = Files.newOutputStream(f)) {
            out.write(("[emperor]\n" + longLine).getBytes(StandardCharsets.US_ASCII));
            out.write(bad);
            out.write("owner = b\u00f6b\ntier = \u00ff\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        Map<String, String> attrs = Attributes.collect(f, "long.ini", KEYS);
        assertEquals(2, attrs.size(), attrs::toString); // found after the long line; bytes replaced, not fatal
        ScanResult r = new DirMonitor(dir, new VassalNames(List.of()), false, KEYS, null).scan();
        assertEquals(List.of("long.ini"), DirMonitorTest.names(r));
    }

    /** With nofollow (emperor-nofollow), a symlink swapped in is refused at open (O_NOFOLLOW), not followed. */
    @Test
    void nofollowRefusesASymlinkAtOpen(@TempDir Path dir) throws Exception {
        Path target = Files.writeString(dir.resolve("target.txt"), "[uwsgi]\n");
        Path link = Files.createSymbolicLink(dir.resolve("app.ini"), target);
        RegularFiles.NotRegularFileException e = assertThrows(RegularFiles.NotRegularFileException.class,
                () -> RegularFiles.readHead(link, 4096, true));
        assertEquals("not a regular file (symlink)", e.getReason());
        assertEquals("[uwsgi]\n", new String(RegularFiles.readHead(link, 4096, false), StandardCharsets.US_ASCII));
    }

    /** A name whose bytes are not valid in the file-name charset is skipped with a reason, not lost silently. */
    @Test
    void aNameOfInvalidUtf8IsSkippedWithAReason(@TempDir Path dir) throws Exception {
        assertEquals("UTF-8", System.getProperty("sun.jnu.encoding"), "the pom runs tests with LC_ALL=C.UTF-8");
        Files.writeString(dir.resolve("ok.ini"), "[uwsgi]\n");
        Process p = new ProcessBuilder("sh", "-c", "printf '[uwsgi]\\n' > \"$(printf 'bad-\\377.ini')\"")
                .directory(dir.toFile()).inheritIO().start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0);
        ScanResult r = new DirMonitor(dir, new VassalNames(List.of()), false, java.util.List.of(), null).scan();
        assertEquals(List.of("ok.ini"), DirMonitorTest.names(r));
        assertEquals(1, r.skipped().size(), r.skipped()::toString);
        assertTrue(r.skipped().get(0).reason().startsWith("invalid vassal name: not valid UTF-8"), r.skipped()::toString);
    }

    /** Random bytes as vassal files: the monitor answers (vassal or skipped with a reason) and never throws. */
    @Test
    void randomBytesAsVassalFilesNeverBreakTheScan(@TempDir Path dir) throws Exception {
        Random rnd = new Random(0x5EED_F11EL);
        DirMonitor m = new DirMonitor(dir, new VassalNames(List.of()), false, KEYS, null);
        for (int i = 0; i < 20; i++) Files.writeString(dir.resolve("f" + i + ".ini"), "[uwsgi]\n");
        for (int i = 0; i < 200; i++) {
            byte[] b = new byte[rnd.nextInt(6000)];
            rnd.nextBytes(b);
            if (rnd.nextBoolean()) {
                // mostly text, sometimes with an [emperor] section, so that the attribute parser is reached
                for (int j = 0; j < b.length; j++) b[j] = (byte) (b[j] == 0 ? '\n' : b[j]);
                byte[] sec = "[emperor]\nowner=".getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(sec, 0, b, 0, Math.min(sec.length, b.length));
            }
            Files.write(dir.resolve("f" + (i % 20) + ".ini"), b);
            ScanResult r = m.scan();
            assertTrue(r.ok(), "case " + i + ": " + r.error());
            assertEquals(20, r.vassals().size() + r.skipped().size(), "case " + i + ": every file answered");
        }
    }

    static void mkfifo(Path p) throws IOException, InterruptedException {
        Process pr = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertTrue(pr.waitFor(10, TimeUnit.SECONDS) && pr.exitValue() == 0, "mkfifo " + p);
    }
}
