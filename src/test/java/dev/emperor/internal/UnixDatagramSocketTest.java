package dev.emperor.internal;

import static dev.emperor.internal.NativeTestSupport.NATIVE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The AF_UNIX/SOCK_DGRAM wrapper of the command socket: CLOEXEC, recv semantics, close waking a reader. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class UnixDatagramSocketTest {

    @TempDir
    Path dir;

    @Test
    void receivesWholeDatagramsTruncatedToTheBuffer() throws Exception {
        String path = dir.resolve("a.sock").toString();
        try (UnixDatagramSocket s = UnixDatagramSocket.bind(path)) {
            assertTrue(NATIVE.isCloseOnExec(s.fd()));
            assertEquals(3, UnixDatagramSocket.sendTo(path, new byte[] {1, 2, 3}));
            assertEquals(0, UnixDatagramSocket.sendTo(path, new byte[0]));
            assertEquals(10, UnixDatagramSocket.sendTo(path, "0123456789".getBytes()));
            byte[] buf = new byte[4];
            assertEquals(3, s.receive(buf));
            assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOf(buf, 3));
            assertEquals(0, s.receive(buf), "an empty datagram");
            assertEquals(4, s.receive(buf), "truncated to the buffer, the rest discarded");
            assertArrayEquals("0123".getBytes(), buf);
        }
    }

    @Test
    void closeWakesABlockedReceiver() throws Exception {
        String path = dir.resolve("b.sock").toString();
        UnixDatagramSocket s = UnixDatagramSocket.bind(path);
        CompletableFuture<Integer> got = CompletableFuture.supplyAsync(() -> {
            try {
                return s.receive(new byte[16]);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        // the receiver is (or soon will be) blocked in recv; close must release it either way
        s.close();
        assertEquals(-1, got.get(5, TimeUnit.SECONDS));
        assertEquals(-1, s.receive(new byte[16]), "closed");
        s.close(); // idempotent
    }

    @Test
    void inUseTellsLiveFromStale() throws Exception {
        String path = dir.resolve("c.sock").toString();
        try (UnixDatagramSocket s = UnixDatagramSocket.bind(path)) {
            assertTrue(s.fd() > 2);
            assertTrue(UnixDatagramSocket.isInUse(path));
            IOException e = assertThrows(IOException.class, () -> UnixDatagramSocket.bind(path));
            assertTrue(e.getMessage().contains("Address already in use"), e.getMessage());
        }
        assertTrue(Files.exists(Path.of(path)), "close leaves the file (the caller removes it)");
        assertFalse(UnixDatagramSocket.isInUse(path), "stale: ECONNREFUSED");
        assertFalse(UnixDatagramSocket.isInUse(dir.resolve("none.sock").toString()));
        assertThrows(IOException.class, () -> UnixDatagramSocket.bind(dir.resolve("x".repeat(120)).toString()));
    }
}
