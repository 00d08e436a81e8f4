package dev.emperor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** uWSGI's on_demand_bind through the facade: UNIX and TCP listening sockets, close-on-exec, no truncation. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ListenSocketsTest {
    final JnrNative nat = JnrNative.load();
    @TempDir
    Path tmp;

    @Test
    void unixSocketReplacesAStaleSocketIsWorldWritableAndCloseOnExec() throws Exception {
        Path p = tmp.resolve("od.sock");
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(p)); // closing it leaves the socket file behind
        }
        int fd = nat.listenUnix(p.toString(), 100);
        try {
            assertTrue(fd > 2, "fd " + fd);
            assertTrue(nat.isCloseOnExec(fd));
            assertTrue(Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther());
            assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
            try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                assertTrue(c.connect(UnixDomainSocketAddress.of(p)), "connects without anyone accepting (backlog), so not the stale socket (inode numbers get reused)");
            }
        } finally {
            nat.close(fd);
        }
    }

    /** uWSGI unlinks whatever is at the path, and the path is chosen by a vassal file's owner. */
    @Test
    void anythingButASocketAtThePathIsLeftAloneWithAddressInUse() throws Exception {
        Path file = tmp.resolve("shadow");
        Files.writeString(file, "secret");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertEquals(-Native.EADDRINUSE, nat.listenUnix(file.toString(), 100));
        assertEquals("secret", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        Path link = Files.createSymbolicLink(tmp.resolve("link.sock"), file);
        assertEquals(-Native.EADDRINUSE, nat.listenUnix(link.toString(), 100));
        assertTrue(Files.isSymbolicLink(link), "the symlink itself is not removed either");

        Path dir = Files.createDirectory(tmp.resolve("d.sock"));
        assertEquals(-Native.EADDRINUSE, nat.listenUnix(dir.toString(), 100));
        assertTrue(Files.isDirectory(dir));
    }

    /** How a test swaps the fresh socket file for something else between bind and chmod. */
    interface Swap {
        void swap(Path socket, Path target) throws java.io.IOException;
    }

    /** Binds od.sock with {@code swap} run right after the bind; returns the result; the target must stay 0600. */
    private int bindWhileSwapping(Path target, Swap swap) throws Exception {
        Files.writeString(target, "secret");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        Path p = tmp.resolve("od.sock");
        ListenSockets swapping = new ListenSockets(nat.libc(), jnr.ffi.Runtime.getRuntime(nat.libc()), () -> {
            try {
                Files.delete(p);
                swap.swap(p, target);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        int fd = swapping.unix(p.toString(), 100);
        if (fd >= 0) {
            nat.close(fd);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        return fd;
    }

    /** A symlink swapped in between bind and chmod: chmod(2) would make its target 0666 (as root: any file). */
    @Test
    void chmodDoesNotFollowASymlinkSwappedInAfterTheBind() throws Exception {
        int fd = bindWhileSwapping(tmp.resolve("shadow"), (p, t) -> Files.createSymbolicLink(p, t));
        assertTrue(fd < 0, "a failed chmod is a failed bind: " + fd);
    }

    /** A hard link swapped in between bind and chmod is no socket: nothing is chmodded, the bind fails. */
    @Test
    void chmodDoesNotTouchAHardLinkSwappedInAfterTheBind() throws Exception {
        int fd = bindWhileSwapping(tmp.resolve("shadow"), (p, t) -> Files.createLink(p, t));
        assertTrue(fd < 0, "a failed chmod is a failed bind: " + fd);
        assertEquals("secret", Files.readString(tmp.resolve("od.sock")), "the swapped-in link is not ours to remove");
    }

    /** A socket somebody listens on (D-Bus's, docker's) is never replaced: uWSGI unlinks it. */
    @Test
    void aLiveSocketIsNotReplaced() throws Exception {
        Path p = tmp.resolve("live.sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(p));
            Object key = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            assertEquals(-Native.EADDRINUSE, nat.listenUnix(p.toString(), 100));
            assertEquals(key, Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey(),
                    "the live socket's file is still there");
            try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                assertTrue(c.connect(UnixDomainSocketAddress.of(p)), "its owner still gets the connections");
            }
        }
    }

    @Test
    void tooLongUnixPathIsRefusedNotTruncated() {
        String longPath = tmp.resolve("x".repeat(120)).toString();
        assertEquals(-Native.ENAMETOOLONG, nat.listenUnix(longPath, 100));
        assertEquals("File name too long", nat.strerror(Native.ENAMETOOLONG));
    }

    @Test
    void tcpOnLoopbackWithReuseAddrAndErrors() throws Exception {
        int fd = nat.listenTcp("127.0.0.1", 0, 100);
        assertTrue(fd > 2);
        assertTrue(nat.isCloseOnExec(fd));
        String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        assertTrue(link.startsWith("socket:["), link);
        nat.close(fd);
        assertEquals(-Native.EINVAL, nat.listenTcp("localhost", 80, 100), "no hostnames, as uWSGI's inet_addr");
        int port;
        try (java.nio.channels.ServerSocketChannel taken = java.nio.channels.ServerSocketChannel.open()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            int busy = nat.listenTcp("127.0.0.1", port, 100);
            assertEquals("Address already in use", nat.strerror(-busy));
        }
    }
}
