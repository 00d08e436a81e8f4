package dev.emperor.internal;

import static dev.emperor.internal.NativeTestSupport.NATIVE;
import static dev.emperor.internal.NativeTestSupport.fdinfoFlags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Native#openVassalLog}: O_APPEND, close-on-exec, 0640, and nothing but a plain file of its own. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class VassalLogFileTest {
    static final int O_APPEND = 02000;

    @TempDir
    Path dir;

    @Test
    void createsAppendsAndIsCloseOnExec() throws Exception {
        Path f = dir.resolve("app.ini.log");
        int fd = NATIVE.openVassalLog(f.toString(), -1, -1);
        try {
            assertTrue(NATIVE.isCloseOnExec(fd), "only the spawn's dup2 gives it to the child");
            int flags = fdinfoFlags(fd);
            assertTrue((flags & O_APPEND) != 0, "O_APPEND: " + Integer.toOctalString(flags));
            assertTrue((flags & LibC.O_NONBLOCK) == 0, "blocking again for the vassal");
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
            Files.writeString(f, "0123456789");
            try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(0); // copytruncate while the vassal holds the fd
            }
            byte[] line = "after\n".getBytes(StandardCharsets.US_ASCII);
            assertEquals(line.length, NATIVE.write(fd, line, 0, line.length));
            assertEquals("after\n", Files.readString(f), "written at the new end, no hole");
        } finally {
            NATIVE.close(fd);
        }
    }

    @Test
    void refusesSymlinksFifosDirectoriesAndHardLinks() throws Exception {
        Path target = Files.writeString(dir.resolve("secret"), "x");
        Files.createSymbolicLink(dir.resolve("link.log"), target);
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> NATIVE.openVassalLog(dir.resolve("link.log").toString(), -1, -1));
        assertTrue(e.getReason().contains("symlink"), e.getMessage());
        assertEquals("x", Files.readString(target));

        Path fifo = dir.resolve("fifo.log");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mk.waitFor());
        e = assertThrows(FileSystemException.class, () -> NATIVE.openVassalLog(fifo.toString(), -1, -1));
        assertTrue(e.getReason().contains("FIFO"), "returns at once and refuses: " + e.getMessage());

        Files.createDirectory(dir.resolve("dir.log"));
        assertThrows(IOException.class, () -> NATIVE.openVassalLog(dir.resolve("dir.log").toString(), -1, -1));

        Files.createLink(dir.resolve("hard.log"), target);
        e = assertThrows(FileSystemException.class, () -> NATIVE.openVassalLog(dir.resolve("hard.log").toString(), -1, -1));
        assertTrue(e.getReason().contains("hard links"), e.getMessage());
        assertEquals("x", Files.readString(target), "never written to");
    }

    @Test
    void underTyrantTheFileBelongsToTheVassalsOwner() throws Exception {
        if ("true".equals(System.getenv("CI"))) {
            assertEquals(0, NATIVE.getuid(), "CI runs root-only tests as root");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(NATIVE.getuid() == 0, "fchown to another user needs root");
        Path f = dir.resolve("owned.ini.log");
        int fd = NATIVE.openVassalLog(f.toString(), 65534, 65534);
        NATIVE.close(fd);
        assertEquals(65534, Files.getAttribute(f, "unix:uid"));
        assertEquals(65534, Files.getAttribute(f, "unix:gid"));
        Files.setAttribute(f, "unix:uid", 4321);
        FileSystemException e = assertThrows(FileSystemException.class, () -> NATIVE.openVassalLog(f.toString(), 65534, 65534));
        assertTrue(e.getReason().contains("owned by uid 4321"), "someone else's file is not taken over: " + e.getMessage());
    }
}
