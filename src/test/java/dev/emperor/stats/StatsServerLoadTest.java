package dev.emperor.stats;

import static dev.emperor.stats.StatsTestSupport.await;
import static dev.emperor.stats.StatsTestSupport.connect;
import static dev.emperor.stats.StatsTestSupport.http;
import static dev.emperor.stats.StatsTestSupport.raw;
import static dev.emperor.stats.StatsTestSupport.readToEof;
import static dev.emperor.stats.StatsTestSupport.snapshot;
import static dev.emperor.stats.StatsTestSupport.tcpServer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.core.EmperorSnapshot;
import dev.emperor.stats.StatsTestSupport.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatsServerLoadTest {

    @Test
    void silentAndIdleClientsDoNotDelayOthers() throws IOException {
        EmperorSnapshot big = snapshot(20_000); // ~14 MB: far more than a stalled socket can buffer
        byte[] doc = StatsJson.toBytes(big, false);
        assertTrue(doc.length > 8_000_000, "doc " + doc.length);
        List<Socket> held = new ArrayList<>();
        try (StatsServer server = tcpServer(big, false, Duration.ofSeconds(30), 1024)) {
            // a raw client that never reads: the server is stuck writing 14 MB to it
            Socket silent = new Socket();
            silent.setReceiveBufferSize(4096);
            silent.connect(new InetSocketAddress("127.0.0.1", server.port()));
            held.add(silent);
            await(Duration.ofSeconds(10), () -> available(silent) > 0, "the server to start writing to the silent client");
            // 200 idle clients: half an HTTP request line each, then nothing
            for (int i = 0; i < 200; i++) {
                Socket idle = connect(server);
                idle.getOutputStream().write("GET / HT".getBytes(StandardCharsets.US_ASCII));
                held.add(idle);
            }
            long t0 = System.nanoTime();
            Response r = http(server, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(200, r.status());
            assertEquals(doc.length, r.body().length);
            assertTrue(elapsedMs < 1500, "answer took " + elapsedMs + " ms");
            // and a raw client still gets its document (after the sniff window)
            t0 = System.nanoTime();
            assertEquals(doc.length, raw(server).length);
            elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(elapsedMs < 1500, "raw answer took " + elapsedMs + " ms");
            // the stalled write resumes once the silent client finally reads
            silent.setSoTimeout(10_000);
            assertArrayEquals(doc, readToEof(silent.getInputStream()));
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static int available(Socket s) {
        try {
            return s.getInputStream().available();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void connectionsAreClosedAtTheDeadline() throws IOException {
        EmperorSnapshot snap = snapshot(1);
        try (StatsServer server = tcpServer(snap, false, Duration.ofMillis(700), 1024)) {
            try (Socket idle = connect(server)) {
                idle.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                long t0 = System.nanoTime();
                assertEquals(0, readToEof(idle.getInputStream()).length); // closed without an answer
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 3000, "closed after " + ms + " ms");
            }
            assertArrayEquals(StatsJson.toBytes(snap, false), raw(server));
        }
    }

    @Test
    void beyondTheCapConnectionsAreAcceptedAndClosed() throws IOException {
        EmperorSnapshot snap = snapshot(1);
        byte[] doc = StatsJson.toBytes(snap, false);
        List<Socket> held = new ArrayList<>();
        try (StatsServer server = tcpServer(snap, false, Duration.ofSeconds(30), 5)) {
            for (int i = 0; i < 5; i++) {
                Socket s = connect(server);
                s.getOutputStream().write("GET /".getBytes(StandardCharsets.US_ASCII));
                held.add(s);
            }
            // the 6th waits for nothing: accepted and closed at once (may show as a reset)
            try (Socket extra = connect(server)) {
                byte[] got;
                try {
                    got = readToEof(extra.getInputStream());
                } catch (IOException reset) {
                    got = new byte[0];
                }
                assertEquals(0, got.length);
            }
            for (Socket s : held) {
                s.close();
            }
            held.clear();
            await(Duration.ofSeconds(10), () -> rawOrEmpty(server).length == doc.length, "a slot to free up");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static byte[] rawOrEmpty(StatsServer server) {
        try {
            return raw(server);
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
