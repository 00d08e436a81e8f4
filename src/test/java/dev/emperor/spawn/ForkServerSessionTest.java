package dev.emperor.spawn;

import dev.emperor.testing.Await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.JnrNative;
import dev.emperor.internal.Native;
import dev.emperor.protocol.UwsgiPacket;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Emperor side of a fork-server session against misbehaving fake fork servers (silent, slow,
 * garbage, negative pid, closing early, missing, stale socket) and the byte fixture of the request
 * written from spec/emperor-protocol.md §1c.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ForkServerSessionTest {
    final Native nat = JnrNative.load();
    @TempDir
    Path tmp;
    ServerSocketChannel server;
    int[] pair;

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
        if (pair != null) {
            nat.close(pair[0]);
            nat.close(pair[1]);
        }
    }

    /** A fake fork server: accepts one connection and lets {@code behaviour} do what it likes with it. */
    Path fakeServer(Consumer<SocketChannel> behaviour) throws IOException {
        Path sock = tmp.resolve("fork.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        CompletableFuture.runAsync(() -> {
            try (SocketChannel c = server.accept()) {
                behaviour.accept(c);
            } catch (IOException ignored) {
                // the test decides what counts
            }
        });
        return sock;
    }

    static void reply(SocketChannel c, byte[] packet) {
        try {
            c.write(ByteBuffer.wrap(packet));
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    static byte[] readRequest(SocketChannel c) {
        try {
            ByteBuffer head = ByteBuffer.allocate(4);
            while (head.hasRemaining() && c.read(head) >= 0) {
                // header first
            }
            int size = (head.get(1) & 0xff) | (head.get(2) & 0xff) << 8;
            ByteBuffer body = ByteBuffer.allocate(4 + size);
            body.put(head.array());
            while (body.hasRemaining() && c.read(body) >= 0) {
                // then the body
            }
            return body.array();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    static byte[] pidReply(String pid) {
        return UwsgiPacket.packet(35, 0, UwsgiPacket.encodeVars(Map.of("pid", pid)));
    }

    ForkServerSession.Progress run(Path sock, long timeoutMs) throws Exception {
        pair = nat.socketpair();
        ForkServerSession.Opened o = ForkServerSession.open(nat, sock.toString(), List.of("uwsgi", "--ini", "a.ini"),
                System.currentTimeMillis() + timeoutMs, pair[1], -1, -1);
        assertNotNull(o.session(), () -> "open: " + o);
        ForkServerSession s = o.session();
        try (Native.Poller poller = nat.newPoller()) {
            poller.add(s.fd());
            while (System.currentTimeMillis() < s.deadline()) {
                if (!poller.await(Math.max(1, s.deadline() - System.currentTimeMillis())).isEmpty()) {
                    ForkServerSession.Progress p = s.onReadable();
                    if (p.done()) {
                        return p;
                    }
                }
            }
            return null; // the caller's deadline passed: the loop would call this a timeout
        } finally {
            s.close();
        }
    }

    @Test
    void requestBytesMatchTheSpec() {
        byte[] packet = ForkServerSession.request(List.of("uwsgi", "--ini", "a.ini"), 0x01);
        assertArrayEquals(new byte[] {35, 21, 0, 1, 5, 0, 'u', 'w', 's', 'g', 'i', 5, 0, '-', '-', 'i', 'n', 'i',
                5, 0, 'a', '.', 'i', 'n', 'i'}, packet);
        assertEquals(0x07, ForkServerSession.PIPE | ForkServerSession.CONFIG_PIPE | ForkServerSession.ON_DEMAND);
    }

    @Test
    void wellBehavedServerGetsArgvAndTheFdAndRepliesPid() throws Exception {
        CompletableFuture<byte[]> seen = new CompletableFuture<>();
        Path sock = fakeServer(c -> {
            seen.complete(readRequest(c));
            reply(c, pidReply("4242"));
        });
        ForkServerSession.Progress p = run(sock, 4000);
        assertTrue(p.done());
        assertNull(p.error());
        assertEquals(4242, p.pid());
        byte[] req = seen.get(5, TimeUnit.SECONDS);
        assertArrayEquals(ForkServerSession.request(List.of("uwsgi", "--ini", "a.ini"), 1), req);
    }

    @Test
    void slowServerWithinTheTimeoutIsFine() throws Exception {
        Path sock = fakeServer(c -> {
            readRequest(c);
            byte[] r = pidReply("777");
            reply(c, new byte[] {r[0], r[1]});
            Await.elapse(java.time.Duration.ofMillis(300)); // a slow peer, on purpose
            reply(c, java.util.Arrays.copyOfRange(r, 2, r.length));
        });
        assertEquals(777, run(sock, 4000).pid());
    }

    @Test
    void silentServerTimesOut() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        Path sock = fakeServer(c -> {
            readRequest(c);
            release.join();
        });
        long t0 = System.currentTimeMillis();
        assertNull(run(sock, 500), "no reply: the deadline decides");
        assertTrue(System.currentTimeMillis() - t0 >= 450);
        release.complete(null);
    }

    @Test
    void garbageReplyIsAnError() throws Exception {
        Path sock = fakeServer(c -> {
            readRequest(c);
            reply(c, new byte[] {35, 9, 0, 0, 'g', 'a', 'r', 'b', 'a', 'g', 'e', '!', '!'});
        });
        ForkServerSession.Progress p = run(sock, 4000);
        assertTrue(p.done());
        assertNotNull(p.error());
    }

    @Test
    void negativeMalformedAndMissingPidsAreErrors() throws Exception {
        for (String bad : new String[] {"-5", "12ab", "", "0", "1", "99999999999"}) {
            Path sock = fakeServer(c -> {
                readRequest(c);
                reply(c, pidReply(bad));
            });
            ForkServerSession.Progress p = run(sock, 4000);
            assertNotNull(p.error(), "pid '" + bad + "' must be refused");
            server.close();
            Files.deleteIfExists(tmp.resolve("fork.sock"));
            nat.close(pair[0]);
            nat.close(pair[1]);
            pair = null;
        }
        Path sock = fakeServer(c -> {
            readRequest(c);
            reply(c, UwsgiPacket.packet(35, 0, UwsgiPacket.encodeVars(Map.of("other", "1"))));
        });
        assertEquals("reply without a pid", run(sock, 4000).error());
    }

    @Test
    void serverClosingEarlyIsAnError() throws Exception {
        Path sock = fakeServer(c -> {
            readRequest(c);
            reply(c, new byte[] {35, 20});
        });
        ForkServerSession.Progress p = run(sock, 4000);
        assertTrue(p.error().contains("closed the connection"), p.error());
    }

    @Test
    void missingOrStaleSocketMeansWaitForTheBase() throws Exception {
        pair = nat.socketpair();
        ForkServerSession.Opened missing = ForkServerSession.open(nat, tmp.resolve("nothing.sock").toString(),
                List.of("uwsgi"), System.currentTimeMillis() + 1000, pair[1], -1, -1);
        assertTrue(missing.waitForBase());
        assertNull(missing.session());
        Path stale = tmp.resolve("stale.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(stale));
        } // closed: the file stays, nobody listens
        assertTrue(Files.exists(stale));
        ForkServerSession.Opened refused = ForkServerSession.open(nat, stale.toString(), List.of("uwsgi"),
                System.currentTimeMillis() + 1000, pair[1], -1, -1);
        assertTrue(refused.waitForBase());
        assertFalse(refused.error() != null);
    }
}
