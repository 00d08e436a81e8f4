package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Garbage in the vassals dir: a binary file, an empty file, a unicode name (with a valid config: it simply
 * works), a directory named {@code x.ini}, a dangling symlink, an unreadable file (chmod 000; as root it is
 * readable anyway, so either outcome is accepted). The Emperor stays up, the good vassal serves throughout,
 * and every garbage entry is named in the log. Our daemon also says why it skipped the directory and the
 * symlink (uWSGI skips them silently: that part is checked for our daemon only).
 */
@Timeout(90)
class GarbageIT {

    static final String UNICODE = "\u00fcn\u00ef\u00a9\u00f8d\u00e9.ini"; // ünï©ødé.ini

    @Test
    void garbageIsSkippedOrSurvivedAndSaidSo() throws Exception {
        int good = Ports.free();
        int uni = Ports.free();
        int secret = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("garbage").build()) {
            Path dir = e.vassalsDir();
            Vassals.python("good", good).writeTo(e);
            byte[] noise = new byte[4096];
            new Random(42).nextBytes(noise);
            Files.write(dir.resolve("bin.ini"), noise);
            Files.createFile(dir.resolve("empty.ini"));
            writeUnicodeVassal(e, Vassals.python("unicode", uni));
            Files.createDirectory(dir.resolve("x.ini"));
            Files.writeString(dir.resolve("x.ini").resolve("inside.ini"), "[uwsgi]\n");
            Files.createSymbolicLink(dir.resolve("dangling.ini"), dir.resolve("no-such-target.ini"));
            Path unreadable = Vassals.python("secret", secret).fileName("secret.ini").writeTo(e);
            Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));

            e.start();
            e.awaitAnswer(good, "good", TempEmperor.SHORT);
            // a valid config under a unicode name is just a vassal
            e.awaitAnswer(uni, "unicode", TempEmperor.SHORT);
            e.awaitVassal(UNICODE, TempEmperor.SHORT, "listed under its unicode name", v -> v.pid() > 0);

            // the same kinds of garbage appearing while running (inotify path, not only the first scan)
            Files.createDirectory(dir.resolve("newdir.ini"));
            Files.createSymbolicLink(dir.resolve("newlink.ini"), dir.resolve("nowhere.ini"));
            Files.write(dir.resolve("noise.ini"), noise);

            long goodPid = e.stats().vassal("good.ini").orElseThrow().pid();
            e.holds(Duration.ofSeconds(3), "Emperor up, stats served, good vassal serving with the same pid", () ->
                    e.isRunning() && e.stats().vassal("good.ini").orElseThrow().pid() == goodPid
                    && Http.answers(good, "good"));

            // every regular garbage file is named in the log (spawned-and-failed under uWSGI, or skipped)
            for (String f : new String[] {"bin.ini", "empty.ini", "noise.ini", "secret.ini"}) {
                e.awaitLog(Pattern.quote(f), TempEmperor.SHORT);
            }
            Stats s = e.stats();
            assertTrue(s.vassal("x.ini").isEmpty() && s.vassal("newdir.ini").isEmpty(), "a directory is no vassal");
            assertTrue(s.vassal("dangling.ini").isEmpty() && s.vassal("newlink.ini").isEmpty(),
                    "a dangling symlink is no vassal");
            if (e.impl() == Impl.OURS) {
                // deliberate improvement: skipped entries are reported with a reason
                for (String f : new String[] {"x.ini", "dangling.ini", "newdir.ini", "newlink.ini"}) {
                    e.awaitLog("(?i)skip.*" + Pattern.quote(f) + ".*:\\s*\\S+", TempEmperor.SHORT);
                }
                for (String f : new String[] {"bin.ini", "empty.ini"}) {
                    // either skipped with a reason, or spawned (and then failing like under uWSGI)
                    e.awaitLog("(?i)(skip.*" + Pattern.quote(f) + ".*:\\s*\\S+)|(vassal " + Pattern.quote(f)
                            + ")|(instance " + Pattern.quote(f) + ")", TempEmperor.SHORT);
                }
            }
            assertTrue(e.isRunning(), "the Emperor is still up");
            assertTrue(Http.answers(good, "good"));
        }
    }

    /** Writes the unicode-named vassal; falls back to the shell if the JVM's file-name encoding cannot. */
    static void writeUnicodeVassal(TempEmperor e, Vassals.Spec spec) throws IOException, InterruptedException {
        try {
            spec.fileName(UNICODE).writeTo(e);
        } catch (InvalidPathException ascii) {
            // sun.jnu.encoding is ASCII (POSIX locale): let the shell create the UTF-8 name
            Path tmp = spec.fileName("unicode-tmp.txt").writeTo(e);
            Process p = new ProcessBuilder("/bin/sh", "-c",
                    "mv \"$1\" \"$(printf '\\303\\274n\\303\\257\\302\\251\\303\\270d\\303\\251.ini')\"", "sh",
                    tmp.getFileName().toString()).directory(e.vassalsDir().toFile()).inheritIO().start();
            assertTrue(p.waitFor() == 0, "mv to the unicode name");
        }
    }
}
