package dev.emperor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.core.EmperorSnapshot;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stats client that vanishes in the middle of a large answer (reset: the server's next write fails
 * with ECONNRESET/EPIPE) costs only its own connection; the server keeps serving
 * (docs/reliability-time.md, "Other faults").
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatsClientVanishesTest {

    @Test
    void clientsResettingMidAnswerDoNotStopTheServer() throws Exception {
        EmperorSnapshot big = StatsTestSupport.snapshot(5000);
        StatsServer server = StatsTestSupport.tcpServer(big, false);
        try {
            int expected = StatsTestSupport.raw(server).length;
            assertTrue(expected > 1_000_000, "an answer larger than any socket buffer: " + expected);
            for (int i = 0; i < 20; i++) {
                try (Socket s = StatsTestSupport.connect(server)) {
                    OutputStream out = s.getOutputStream();
                    out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    InputStream in = s.getInputStream();
                    byte[] some = new byte[4096];
                    assertTrue(in.read(some) > 0, "the answer started");
                    s.setSoLinger(true, 0); // close = RST: the server's pending writes fail
                }
            }
            assertEquals(expected, StatsTestSupport.raw(server).length, "the server still serves whole documents");
        } finally {
            server.close();
        }
    }
}
