package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Removal of an on-demand UNIX socket file: only the very socket we bound, judged by lstat. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OnDemandSocketsTest {
    @TempDir
    Path dir;
    final EmperorLog log = new EmperorLog(null, System::currentTimeMillis);

    private Path socketFile(String name) throws Exception {
        Path p = dir.resolve(name);
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(p)); // the file stays after close
        }
        return p;
    }

    @Test
    void ourSocketIsRemovedRelativeNamesResolveInTheVassalDir() throws Exception {
        socketFile("a.sock");
        Object key = OnDemandSockets.fileKey("a.sock", dir);
        assertNotNull(key);
        OnDemandSockets.unlinkIfOurs("a.sock", dir, key, log);
        assertFalse(Files.exists(dir.resolve("a.sock"), LinkOption.NOFOLLOW_LINKS));
    }

    /** Only a socket counts (isOther() also takes FIFOs and devices, which a reused inode could be). */
    @Test
    void aFifoWithTheKeyIsNotOurs() throws Exception {
        Path fifo = dir.resolve("f.sock");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        assertNull(OnDemandSockets.fileKey(fifo.toString(), null), "not a socket: no key");
        Object fifoKey = Files.readAttributes(fifo, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        OnDemandSockets.unlinkIfOurs(fifo.toString(), null, fifoKey, log);
        assertTrue(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS), "same dev+inode but not a socket: left alone");
    }

    @Test
    void aSymlinkSwappedInIsNotFollowed() throws Exception {
        Path ours = socketFile("o.sock");
        Object key = OnDemandSockets.fileKey(ours.toString(), null);
        Path moved = Files.move(ours, dir.resolve("elsewhere.sock"));
        Files.createSymbolicLink(ours, moved);
        OnDemandSockets.unlinkIfOurs(ours.toString(), null, key, log);
        assertTrue(Files.isSymbolicLink(ours), "the link is not ours");
        assertTrue(Files.exists(moved, LinkOption.NOFOLLOW_LINKS), "its target is not touched");
    }
}
