package dev.emperor.internal;

import static dev.emperor.internal.NativeTestSupport.NATIVE;
import static dev.emperor.internal.NativeTestSupport.fdinfoFlags;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JnrNativeMiscTest {

    @Test
    void identityMatchesTheJvmAndProc() throws Exception {
        assertEquals(ProcessHandle.current().pid(), NATIVE.getpid());
        String status = Files.readString(Path.of("/proc/self/status"));
        assertTrue(status.contains("\nUid:\t" + NATIVE.getuid() + "\t"), status);
        assertTrue(status.contains("\nGid:\t" + NATIVE.getgid() + "\t"), status);
    }

    @Test
    void socketpairEndsAreCloseOnExecAndConnected() throws Exception {
        int[] sp = NATIVE.socketpair();
        for (int fd : sp) {
            assertTrue(NATIVE.isCloseOnExec(fd));
            assertTrue((fdinfoFlags(fd) & LibC.O_CLOEXEC) != 0, "fdinfo flags of " + fd);
        }
        byte[] data = "0123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(4, NATIVE.write(sp[0], data, 3, 4));
        byte[] buf = new byte[10];
        assertEquals(4, NATIVE.read(sp[1], buf, 10));
        assertArrayEquals("3456".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOf(buf, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> NATIVE.write(sp[0], data, 8, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> NATIVE.read(sp[1], buf, 11));
        NATIVE.close(sp[0]);
        NATIVE.close(sp[1]);
    }

    /** The JDK opens files without O_CLOEXEC; the sweep marks them (and leaves 0-2 alone). */
    @Test
    void markAllCloseOnExecMarksAJdkOpenedFile(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("held"), "x");
        try (java.io.FileInputStream in = new java.io.FileInputStream(file.toFile())) {
            int fd = -1;
            try (var ds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
                for (Path p : ds) {
                    try {
                        if (Files.readSymbolicLink(p).equals(file)) fd = Integer.parseInt(p.getFileName().toString());
                    } catch (java.io.IOException closed) {
                        // the listing's own fd
                    }
                }
            }
            assertTrue(fd > 2, "found the JDK's fd of " + file);
            boolean stdoutBefore = NATIVE.isCloseOnExec(1);
            assertTrue(!NATIVE.isCloseOnExec(fd), "the JDK opened it without O_CLOEXEC (else this test proves nothing)");
            assertTrue(NATIVE.markAllCloseOnExec() >= 1);
            assertTrue(NATIVE.isCloseOnExec(fd));
            assertEquals(stdoutBefore, NATIVE.isCloseOnExec(1), "fds 0-2 untouched");
        }
    }

    @Test
    void nonBlockingReadReturnsMinusEagain() throws Exception {
        int[] sp = NATIVE.socketpair();
        NATIVE.setNonBlocking(sp[0]);
        assertTrue((fdinfoFlags(sp[0]) & LibC.O_NONBLOCK) != 0);
        assertEquals(-Native.EAGAIN, NATIVE.read(sp[0], new byte[1], 1));
        NATIVE.close(sp[0]);
        NATIVE.close(sp[1]);
    }

    @Test
    void closingAnFdThatIsNotOpenIsABug() {
        // A real double close cannot be tested safely: in a multi-threaded JVM the number may already
        // belong to someone else. An fd far above anything open stands in for it.
        int notOpen = 1_000_000;
        NativeException e = assertThrows(NativeException.class, () -> NATIVE.close(notOpen));
        assertEquals(LibC.EBADF, e.errno());
        assertThrows(NativeException.class, () -> NATIVE.setNonBlocking(notOpen));
    }

    @Test
    void processNameIsCutTo15BytesOnACharacterBoundary() throws Exception {
        Path comm = Path.of("/proc/self/comm");
        String original = Files.readString(comm).strip();
        try {
            NATIVE.setProcessName("uWSGI Emperor worker");
            assertEquals("uWSGI Emperor w", Files.readString(comm).strip());
            // 14 ASCII bytes then a 2-byte character: it would straddle byte 15, so it is dropped.
            NATIVE.setProcessName("emperor-vassal\u00e4x");
            assertEquals("emperor-vassal", Files.readString(comm).strip());
        } finally {
            NATIVE.setProcessName(original);
        }
        assertEquals(original, Files.readString(comm).strip());
    }
}
