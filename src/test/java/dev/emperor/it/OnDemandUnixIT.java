package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code emperor-on-demand-directory DIR}: {@code u.ini} sleeps on the UNIX socket DIR/u.socket
 * (a stale socket file there is replaced; mode 0666), a request over it starts the vassal, and removing
 * the config closes the socket and removes the file the Emperor created (uWSGI leaves it behind).
 * A regular file at a socket path is left alone (uWSGI unlinks whatever is there).
 */
@Timeout(60)
class OnDemandUnixIT {

    @Test
    void unixSocketFromTheDirectoryOption() throws Exception {
        Path root = Files.createTempDirectory("emperor-it-ondemand-unix-");
        Path sockets = Files.createDirectory(root.resolve("sockets"));
        Path sock = sockets.resolve("u.socket");
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(sock)); // closing it leaves the socket file behind
        }
        Path notASocket = sockets.resolve("r.socket");
        Files.writeString(notASocket, "precious");
        try (TempEmperor e = TempEmperor.prepare("ondemand-unix").root(root, false)
                .option("emperor-on-demand-directory", sockets.toString()).build()) {
            Path config = OnDemandIT.onDemandVassal("u").writeTo(e);
            boolean ours = e.impl() != Impl.UWSGI;
            if (ours) {
                OnDemandIT.onDemandVassal("r").writeTo(e);
            }
            e.start();
            if (ours) {
                e.awaitLog(java.util.regex.Pattern.quote("emperor_add()/bind(): Address already in use [socket \""
                        + notASocket + "\" of vassal r.ini]"), TempEmperor.SHORT);
                assertEquals("precious", Files.readString(notASocket), "a regular file is not unlinked");
            }
            e.awaitLog(java.util.regex.Pattern.quote("[uwsgi-emperor] u.ini -> \"on demand\" instance detected, waiting for connections on socket \""
                    + sock + "\" ..."), TempEmperor.SHORT);
            assertTrue(Files.readAttributes(sock, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther(), "a socket now");
            assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            String answer = get(sock);
            assertTrue(answer.startsWith("HTTP/1.") && answer.contains(" 200 ") && answer.endsWith("hello u"), answer);
            e.awaitVassal("u.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0);

            Files.delete(config);
            e.await(TempEmperor.SHORT, "u.ini gone", () -> e.stats().vassal("u.ini").isEmpty());
            if (e.impl() == Impl.UWSGI) {
                Assumptions.abort("uWSGI leaves the socket file behind (checked above: everything else is the same)");
            }
            e.await(TempEmperor.SHORT, "the socket file we created is removed", () -> !Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
        }
    }

    static String get(Path sock) throws IOException {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(sock));
            c.write(ByteBuffer.wrap("GET / HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer b = ByteBuffer.allocate(4096);
            while (c.read(b) > 0) {
                out.write(b.array(), 0, b.position());
                b.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
