package dev.emperor.stats;

import dev.emperor.testing.Await;
import dev.emperor.core.EmperorLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * uWSGI's {@code stats-http}: the address speaks HTTP only. A silent client gets nothing and is
 * closed after socket-timeout (as uWSGI's stats-http); a client that sends its request late (a
 * browser's preconnected socket) still gets HTTP rather than raw JSON.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class StatsHttpOnlyTest {

    @Test
    void lateRequestGetsHttpAndSilentClientGetsNothing() throws Exception {
        Duration timeout = Duration.ofSeconds(2);
        try (StatsServer server = new StatsServer("127.0.0.1:0", 100, null, timeout, () -> StatsTestSupport.snapshot(1),
                false, timeout.plusDays(1), 1024, EmperorLog.standard())) {
            server.start();
            try (Socket late = new Socket()) {
                late.connect(new InetSocketAddress("127.0.0.1", server.port()));
                late.setSoTimeout(5000);
                Await.elapse(Duration.ofMillis(600)); // longer than the default 300 ms sniff window, on purpose
                OutputStream out = late.getOutputStream();
                out.write("GET /stats HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(late.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            }
            try (Socket silent = new Socket()) {
                silent.connect(new InetSocketAddress("127.0.0.1", server.port()));
                silent.setSoTimeout(5000);
                long t0 = System.nanoTime();
                InputStream in = silent.getInputStream();
                assertEquals(0, in.readAllBytes().length, "nothing for a client that says nothing");
                assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(1500), "closed at socket-timeout");
            }
        }
    }
}
