package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * uWSGI master's {@code emperor-wrapper-attr}, {@code emperor-chdir-attr} and {@code emperor-trigger-socket}
 * (docs/uwsgi-compat.md, "Vassal attributes", "Trigger socket") with real uWSGI vassals. uWSGI 2.0.21 has none
 * of them: with {@code -Demperor.impl=uwsgi} the same configurations run as the baseline, where an ini file's
 * unknown keys are placeholders, so the attributes change nothing and no trigger socket is bound.
 */
@Timeout(90)
class MasterAttrsIT {

    /** A wrapper that leaves its arguments in a marker file, then execs uwsgi with them. */
    static Path wrapper(Path dir) throws IOException {
        Path marker = dir.resolve("wrapper-ran");
        Path w = dir.resolve("my-uwsgi");
        Files.writeString(w, "#!/bin/sh\necho \"$@\" > '" + marker + "'\nexec uwsgi \"$@\"\n");
        Files.setPosixFilePermissions(w, PosixFilePermissions.fromString("rwxr-xr-x"));
        return w;
    }

    @Test
    void theWrapperAttributeIsTheVassalsBinary() throws Exception {
        int port = Ports.free();
        int plainPort = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("wrapper-attr").option("emperor-collect-attr", "bin")
                .option("emperor-wrapper-attr", "bin").build()) {
            Path w = wrapper(e.root());
            Vassals.python("wrapped", port).writeTo(e);
            Files.writeString(e.vassalsDir().resolve("wrapped.ini"), "\n[emperor]\nbin = " + w + "\n",
                    java.nio.file.StandardOpenOption.APPEND);
            Vassals.python("plain", plainPort).writeTo(e);
            e.start();
            e.awaitAnswer(port, "wrapped", TempEmperor.SHORT);
            e.awaitAnswer(plainPort, "plain", TempEmperor.SHORT);
            Path marker = e.root().resolve("wrapper-ran");
            if (e.impl() == Impl.UWSGI) {
                assertFalse(Files.exists(marker), "2.0.21 has no emperor-wrapper-attr: the binary runs");
            } else {
                assertEquals("--ini wrapped.ini", Files.readString(marker).trim(), "the wrapper got the vassal's argv");
            }
        }
    }

    @Test
    void theChdirAttributeIsTheVassalsWorkingDirectory() throws Exception {
        int port = Ports.free();
        Path root = Files.createTempDirectory("emperor-it-chdir-attr-");
        // an absolute glob: the names stay valid from the new working directory (a dir monitor's relative
        // names would not, in master as here)
        try (TempEmperor e = TempEmperor.prepare("chdir-attr").root(root, false).withoutVassalsDir()
                .add("emperor", root.resolve("vassals") + "/*.ini").option("emperor-collect-attr", "dir")
                .option("emperor-chdir-attr", "dir").build()) {
            Path appDir = Files.createDirectories(e.root().resolve("app-home"));
            // the app is named relatively: it loads only when the vassal starts in app-home
            Vassals.writeAtomically(appDir.resolve("here.py"), Vassals.app("here"));
            Files.createDirectories(e.vassalsDir());
            Files.writeString(e.vassalsDir().resolve("here.ini"), "[uwsgi]\nplugins = python3\nhttp-socket = 127.0.0.1:"
                    + port + "\nwsgi-file = here.py\nneed-app = true\nprocesses = 1\n[emperor]\ndir = " + appDir + "\n");
            e.start();
            if (e.impl() == Impl.UWSGI) {
                // baseline: 2.0.21 starts it in the Emperor's directory, where here.py is missing (need-app: exit 22)
                e.awaitLog("failed to open python file here\\.py", TempEmperor.SHORT);
            } else {
                e.awaitAnswer(port, "here", TempEmperor.SHORT);
            }
        }
    }

    @Test
    void aChdirFailureExilesTheVassal() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Impl.current() == Impl.OURS, "2.0.21 has no emperor-chdir-attr");
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("chdir-attr-missing").option("emperor-collect-attr", "dir")
                .option("emperor-chdir-attr", "dir").build()) {
            Vassals.python("lost", port).writeTo(e);
            Files.writeString(e.vassalsDir().resolve("lost.ini"), "\n[emperor]\ndir = /nonexistent/emperor-it\n",
                    java.nio.file.StandardOpenOption.APPEND);
            e.start();
            e.awaitLog("cannot start vassal lost\\.ini: --emperor-chdir-attr/chdir\\(\\): .*/nonexistent/emperor-it",
                    TempEmperor.SHORT);
            // exiled as master's exit 26: not retried while its config is unchanged (freq 1: three scans)
            e.holds(Duration.ofSeconds(3), "no second attempt",
                    () -> e.log().count(0, Pattern.compile("--emperor-chdir-attr/chdir\\(\\)")) == 1);
        }
    }

    @Test
    void theTriggerSocketIsBoundAndClosedByItsFirstEvent() throws Exception {
        int port = Ports.free();
        int vassalPort = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("trigger-socket")
                .option("emperor-trigger-socket", "127.0.0.1:" + port).build()) {
            Vassals.python("app", vassalPort).writeTo(e);
            e.start();
            e.awaitAnswer(vassalPort, "app", TempEmperor.SHORT);
            if (e.impl() == Impl.UWSGI) {
                assertFalse(e.logHas("trigger socket"), "2.0.21 has no emperor-trigger-socket");
                assertThrows(IOException.class, () -> connect(port), "nothing bound");
                return;
            }
            String line = e.awaitLog("\\*\\*\\* Emperor trigger socket enabled on 127\\.0\\.0\\.1:" + port
                    + " fd: \\d+ \\*\\*\\*", TempEmperor.SHORT);
            Matcher m = Pattern.compile("fd: (\\d+)").matcher(line);
            assertTrue(m.find(), line);
            try (Socket first = connect(port)) {
                first.getInputStream().read(); // closed unanswered: the listener is closed with it queued
            } catch (IOException reset) {
                // the reset can come before the connect returns: master resets it the same way
            }
            e.awaitLog("\\[emperor\\] unrecognized vassal event on fd " + m.group(1) + "$", TempEmperor.SHORT);
            e.await(Duration.ofSeconds(5), "the trigger socket to be gone", () -> {
                try (Socket s = connect(port)) {
                    return false;
                } catch (IOException gone) {
                    return true;
                }
            });
            e.awaitAnswer(vassalPort, "app", TempEmperor.SHORT); // the vassals carry on
        }
    }

    @Test
    void underTyrantTheChdirIsTheOwnersAsInMaster() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Impl.current() == Impl.OURS, "2.0.21 has no emperor-chdir-attr");
        dev.emperor.testing.TestUsers.requireRoot();
        dev.emperor.testing.TestUsers.User owner = dev.emperor.testing.TestUsers.ensure(dev.emperor.testing.TestUsers.A);
        int open = Ports.free();
        int closed = Ports.free();
        Path root = Files.createTempDirectory("emperor-it-chdir-tyrant-");
        try (TempEmperor e = TempEmperor.prepare("chdir-attr-tyrant").root(root, false).withoutVassalsDir()
                .add("emperor", root.resolve("vassals") + "/*.ini").option("emperor-tyrant", "true")
                .option("emperor-collect-attr", "dir").option("emperor-chdir-attr", "dir").build()) {
            Files.createDirectories(e.vassalsDir());
            dev.emperor.testing.TestUsers.openUp(root, e.vassalsDir(), e.appsDir());
            Path home = Files.createDirectories(root.resolve("owner-home"));
            dev.emperor.testing.TestUsers.own(home, owner.uid(), owner.gid());
            Path secret = Files.createDirectories(root.resolve("root-only"));
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rwx------"));
            for (Path d : java.util.List.of(home, secret)) {
                Path app = Vassals.writeAtomically(d.resolve("here.py"), Vassals.app("here"));
                Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rw-r--r--"));
            }
            String vassal = "[uwsgi]\nplugins = python3\nhttp-socket = 127.0.0.1:%d\nwsgi-file = here.py\nneed-app = true\n"
                    + "processes = 1\n[emperor]\ndir = %s\n";
            dev.emperor.testing.TestUsers.writeOwned(e.vassalsDir().resolve("open.ini"), String.format(vassal, open, home), owner);
            dev.emperor.testing.TestUsers.writeOwned(e.vassalsDir().resolve("closed.ini"), String.format(vassal, closed, secret), owner);
            e.start();
            e.awaitAnswer(open, "here", TempEmperor.SHORT);
            // root could enter root-only, its owner cannot: as master's child (chdir after the drop), exit 26
            e.awaitLog("--emperor-chdir-attr/chdir\\(\\): cannot enter " + Pattern.quote(secret.toString()), TempEmperor.SHORT);
            e.awaitLog("vassal .*closed\\.ini exited with code 26 \\(exile\\)", TempEmperor.SHORT);
            assertTrue(Http.tryGet(closed).isEmpty(), "never served from a directory closed to its owner");
        }
    }

    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        return s;
    }
}
