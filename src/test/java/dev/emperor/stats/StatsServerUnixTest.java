package dev.emperor.stats;

import dev.emperor.core.EmperorLog;
import static dev.emperor.stats.StatsTestSupport.readToEof;
import static dev.emperor.stats.StatsTestSupport.snapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.core.EmperorSnapshot;
import dev.emperor.stats.StatsTestSupport.Response;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatsServerUnixTest {

    @TempDir
    Path dir;

    private final EmperorSnapshot snap = snapshot(2);
    private final byte[] doc = StatsJson.toBytes(snap, false);

    private StatsServer unixServer(Path sock, String chmod) throws IOException {
        StatsServer s = new StatsServer(sock.toString(), 100, chmod, Duration.ofSeconds(5), () -> snap, false,
                Duration.ofMillis(200), 1024, EmperorLog.standard());
        s.start();
        return s;
    }

    private static SocketChannel connect(Path sock) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(sock));
        return ch;
    }

    @Test
    void rawAndHttpOverUnixSocketWithChmod() throws IOException {
        Path sock = dir.resolve("stats.sock");
        try (StatsServer server = unixServer(sock, "660")) {
            assertEquals(UnixDomainSocketAddress.of(sock), server.boundAddress());
            assertEquals(-1, server.port());
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            assertTrue(server.fd().isPresent());
            try (SocketChannel ch = connect(sock)) {
                assertArrayEquals(doc, readToEof(ch));
            }
            try (SocketChannel ch = connect(sock)) {
                Response r = StatsTestSupport.http(ch, "GET /stats HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals(200, r.status());
                assertEquals(String.valueOf(doc.length), r.header("content-length"));
                assertArrayEquals(doc, r.body());
            }
        }
        assertFalse(Files.exists(sock), "socket file removed on close");
    }

    @Test
    void bareChmodMeans666() throws IOException {
        Path sock = dir.resolve("s666.sock");
        try (StatsServer server = unixServer(sock, "")) {
            assertEquals(UnixDomainSocketAddress.of(sock), server.boundAddress());
            assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
        }
        StatsServer badMode = new StatsServer(sock.toString(), 1, "rwx", Duration.ofSeconds(1), () -> snap, false, StatsServer.DEFAULT_SNIFF_WINDOW, StatsServer.DEFAULT_MAX_CONNECTIONS, EmperorLog.standard());
        IOException e = assertThrows(IOException.class, badMode::start);
        assertTrue(e.getMessage().contains(sock.toString()) && e.getMessage().contains("rwx"), e.getMessage());
        assertFalse(Files.exists(sock));
    }

    @Test
    void staleSocketFileIsReplacedButALiveOneIsNot() throws IOException {
        Path sock = dir.resolve("stale.sock");
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(sock));
            // live: a second server must not steal it
            StatsServer thief = new StatsServer(sock.toString(), 1, null, Duration.ofSeconds(1), () -> snap, false, StatsServer.DEFAULT_SNIFF_WINDOW, StatsServer.DEFAULT_MAX_CONNECTIONS, EmperorLog.standard());
            IOException e = assertThrows(IOException.class, thief::start);
            assertTrue(e.getMessage().contains(sock.toString()), e.getMessage());
        }
        assertTrue(Files.exists(sock), "the JDK leaves the file behind: stale now");
        try (StatsServer server = unixServer(sock, null); SocketChannel ch = connect(sock)) {
            assertTrue(server.fd().isPresent());
            assertArrayEquals(doc, readToEof(ch));
        }
        Path regular = Files.writeString(dir.resolve("plain"), "keep me");
        StatsServer s = new StatsServer(regular.toString(), 1, null, Duration.ofSeconds(1), () -> snap, false, StatsServer.DEFAULT_SNIFF_WINDOW, StatsServer.DEFAULT_MAX_CONNECTIONS, EmperorLog.standard());
        assertThrows(IOException.class, s::start);
        assertEquals("keep me", Files.readString(regular));
    }

    @Test
    void abstractNamespaceIsNotSupportedYet() {
        StatsServer s = new StatsServer("@emperor-stats", 1, null, Duration.ofSeconds(1), () -> snap, false, StatsServer.DEFAULT_SNIFF_WINDOW, StatsServer.DEFAULT_MAX_CONNECTIONS, EmperorLog.standard());
        IOException e = assertThrows(IOException.class, s::start);
        assertTrue(e.getMessage().contains("abstract UNIX sockets not supported yet"), e.getMessage());
        assertTrue(e.getMessage().contains("@emperor-stats"), e.getMessage());
    }
}
