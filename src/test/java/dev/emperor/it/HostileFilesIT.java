package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.testing.TestUsers;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile vassal files against the real daemon and real uWSGI vassals (issue #5): a 100 MB file, a file with a
 * 1 MB line, invalid UTF-8 in a file and in a file name, a vassal file replaced by a FIFO and by a device node,
 * and a tight loop swapping a name between a regular file and a FIFO (a plain open() of a FIFO that was a
 * regular file at stat time blocks until a writer comes: the scanner thread would hang for good). The Emperor
 * stays up, small, and keeps scanning; the other vassals are untouched.
 */
@Timeout(90)
class HostileFilesIT {

    private static final long MB = 1024 * 1024;

    @Test
    void hugeLongLinedAndNonUtf8FilesAreServedAndTheEmperorStaysSmall() throws Exception {
        int good = Ports.free();
        int big = Ports.free();
        int lng = Ports.free();
        int utf = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("hostile-big").option("emperor-collect-attr", "owner").build()) {
            Vassals.python("good", good).writeTo(e);
            e.start();
            e.awaitAnswer(good, "good", TempEmperor.SHORT);
            long goodPid = e.stats().vassal("good.ini").orElseThrow().pid();
            long hwmBefore = kb(e.pid(), "VmHWM");

            // 100 MB: a working vassal followed by 100 MB of comment lines (uWSGI itself reads it in under 1 s)
            Vassals.Spec bigSpec = Vassals.python("big", big);
            Vassals.writeAtomically(e.appsDir().resolve("big.py"), Vassals.app("big"));
            writeAtomically(e.vassalsDir().resolve("big.ini"), out -> {
                out.write((bigSpec.render(e.appsDir()) + "[emperor]\nowner = big\n").getBytes(StandardCharsets.UTF_8));
                byte[] line = ("; " + "p".repeat(97) + "\n").getBytes(StandardCharsets.US_ASCII);
                for (long n = 0; n < 100 * MB; n += line.length) out.write(line);
            });
            // a 1 MB line before the [emperor] section: the attribute is still found behind it
            Vassals.Spec longSpec = Vassals.python("long", lng);
            Vassals.writeAtomically(e.appsDir().resolve("long.py"), Vassals.app("long"));
            writeAtomically(e.vassalsDir().resolve("long.ini"), out -> out.write((longSpec.render(e.appsDir())
                    + "; " + "x".repeat(1_000_000) + "\n[emperor]\nowner = long\n").getBytes(StandardCharsets.UTF_8)));
            // invalid UTF-8 in a comment and in an attribute value
            Vassals.Spec utfSpec = Vassals.python("utf", utf);
            Vassals.writeAtomically(e.appsDir().resolve("utf.py"), Vassals.app("utf"));
            writeAtomically(e.vassalsDir().resolve("utf.ini"), out -> {
                out.write(utfSpec.render(e.appsDir()).getBytes(StandardCharsets.UTF_8));
                out.write(new byte[] {';', ' ', (byte) 0xff, (byte) 0xfe, (byte) 0xc3, '(', '\n'});
                out.write("[emperor]\nowner = b\u00f6se\n".getBytes(StandardCharsets.ISO_8859_1));
            });
            // a file name that is not UTF-8 (bytes ff): skipped with a reason, never spawned under a mangled name
            sh(e.vassalsDir(), "printf '[uwsgi]\\nplugins = python3\\n' > \"$(printf 'bad-\\377.ini')\"");

            e.awaitAnswer(big, "big", TempEmperor.SHORT);
            e.awaitAnswer(lng, "long", TempEmperor.SHORT);
            e.awaitAnswer(utf, "utf", TempEmperor.SHORT);
            e.awaitLog("skipping bad-.*\\.ini in .*: invalid vassal name: not valid UTF-8", TempEmperor.SHORT);

            Stats s = e.stats();
            assertEquals("{}", attrs(s, "big.ini"), "over the 1 MiB attribute limit: not read, no attributes");
            assertEquals("{owner=long}", attrs(s, "long.ini"));
            assertTrue(attrs(s, "utf.ini").matches("\\{owner=b.se\\}"), attrs(s, "utf.ini"));
            // the name is bad-<0xff>.ini: under any decoding that replaces the byte (U+FFFD, '?') the id starts "bad-"
            assertTrue(s.vassals().stream().noneMatch(v -> v.id().startsWith("bad-"))
                    && s.blacklist().stream().noneMatch(b -> b.id().startsWith("bad-")),
                    "no vassal (nor blacklist entry) under a mangled bad-*.ini name: " + s);
            assertEquals(goodPid, s.vassal("good.ini").orElseThrow().pid(), "the good vassal untouched");
            assertTrue(Http.answers(good, "good"));

            long hwmAfter = kb(e.pid(), "VmHWM");
            System.out.println("[HostileFilesIT] emperor peak RSS before " + hwmBefore / 1024 + " MB, after a 100 MB"
                    + " and a 1 MB-line vassal " + hwmAfter / 1024 + " MB");
            // reading the 100 MB file whole (bytes, then a String) would add well over 100 MB
            assertTrue(hwmAfter - hwmBefore < 64 * 1024, "peak RSS grew by " + (hwmAfter - hwmBefore) / 1024 + " MB");
        }
    }

    @Test
    void vassalFileReplacedByAFifoStopsTheVassalAndTheScannerGoesOn() throws Exception {
        int keep = Ports.free();
        int fifo = Ports.free();
        int after = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("hostile-fifo").build()) {
            Path dir = e.vassalsDir();
            Vassals.python("keep", keep).writeTo(e);
            Vassals.python("fifo", fifo).writeTo(e);
            e.start();
            e.awaitAnswer(keep, "keep", TempEmperor.SHORT);
            e.awaitAnswer(fifo, "fifo", TempEmperor.SHORT);
            long keepPid = e.stats().vassal("keep.ini").orElseThrow().pid();

            // rename(2) a FIFO over the config: the vassal's file is gone as a regular file
            sh(dir, "mkfifo .f.part && mv -f .f.part fifo.ini");
            e.awaitLog("stop the uwsgi instance fifo\\.ini", TempEmperor.SHORT);
            e.awaitLog("skipping fifo\\.ini in .*: not a regular file \\(FIFO\\)", TempEmperor.SHORT);

            // the race: swap.ini flips between a regular file and a FIFO as fast as rename(2) goes, for 2 s;
            // every flip is an inotify event, so the scanner stats and opens it hundreds of times meanwhile
            Files.write(dir.resolve(".reg.part"), new byte[] {'[', 'u', 0, '\n'}); // NUL: skipped as binary
            sh(dir, "mkfifo .fifo.part");
            long flips = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < end) {
                Path src = (flips++ & 1) == 0 ? dir.resolve(".reg.part") : dir.resolve(".fifo.part");
                Path link = dir.resolve(".swap.part");
                Files.deleteIfExists(link);
                Files.createLink(link, src);
                Files.move(link, dir.resolve("swap.ini"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            // the scanner is alive: a vassal added now starts
            long t0 = System.nanoTime();
            Vassals.python("after", after).writeTo(e);
            e.awaitAnswer(after, "after", TempEmperor.SHORT);
            System.out.println("[HostileFilesIT] " + flips + " regular/FIFO flips in 2 s; then a new vassal answered after "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertEquals(keepPid, e.stats().vassal("keep.ini").orElseThrow().pid(), "keep.ini untouched");
            assertTrue(e.stats().vassal("fifo.ini").isEmpty() && e.stats().vassal("swap.ini").isEmpty());
            assertTrue(ProcTree.zombieChildren(e.pid()).isEmpty(), "no unreaped children");
            assertTrue(e.isRunning());
            // the skip reasons are logged on change, not at every scan
            assertTrue(e.log().count(0, Pattern.compile("skipping fifo\\.ini")) == 1, "fifo.ini skip logged once");
        }
    }

    @Test
    void vassalFileReplacedByADeviceNodeStopsTheVassal() throws Exception {
        TestUsers.requireRoot(); // mknod; CI runs as root, so there a non-root JVM fails instead of skipping
        int keep = Ports.free();
        int dev = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("hostile-dev").build()) {
            Vassals.python("keep", keep).writeTo(e);
            Vassals.python("dev", dev).writeTo(e);
            e.start();
            e.awaitAnswer(keep, "keep", TempEmperor.SHORT);
            e.awaitAnswer(dev, "dev", TempEmperor.SHORT);
            long keepPid = e.stats().vassal("keep.ini").orElseThrow().pid();
            sh(e.vassalsDir(), "mknod .d.part c 1 3 && mv -f .d.part dev.ini"); // a /dev/null twin
            e.awaitLog("stop the uwsgi instance dev\\.ini", TempEmperor.SHORT);
            e.awaitLog("skipping dev\\.ini in .*: not a regular file \\(character device\\)", TempEmperor.SHORT);
            e.await(TempEmperor.SHORT, "dev.ini gone from the stats", () -> e.stats().vassal("dev.ini").isEmpty());
            assertEquals(keepPid, e.stats().vassal("keep.ini").orElseThrow().pid(), "keep.ini untouched");
            assertTrue(e.isRunning());
        }
    }

    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** Writes through a non-vassal temp name and renames, as deploy tools do. */
    private static void writeAtomically(Path target, Body body) throws IOException {
        Path tmp = target.resolveSibling(".tmp-" + System.nanoTime() + ".part");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            body.write(out);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String attrs(Stats s, String id) {
        Object a = s.vassal(id).orElseThrow(() -> new AssertionError(id + " not listed")).obj().get("attrs");
        return a == null ? "null" : a.toString();
    }

    static long kb(long pid, String field) {
        String v = ProcTree.status(pid, field).orElseThrow(() -> new AssertionError("no " + field + " for " + pid));
        return Long.parseLong(v.replace("kB", "").trim());
    }

    static void sh(Path dir, String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).directory(dir.toFile()).inheritIO().start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "sh -c " + script);
    }
}
