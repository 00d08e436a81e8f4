package dev.emperor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
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
    void unixSocketReplacesAStaleFileIsWorldWritableAndCloseOnExec() throws Exception {
        Path p = tmp.resolve("od.sock");
        Files.writeString(p, "stale");
        int fd = nat.listenUnix(p.toString(), 100);
        try {
            assertTrue(fd > 2, "fd " + fd);
            assertTrue(nat.isCloseOnExec(fd));
            assertTrue(Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther());
            assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
            try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                assertTrue(c.connect(UnixDomainSocketAddress.of(p)), "connects without anyone accepting (backlog)");
            }
        } finally {
            nat.close(fd);
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
