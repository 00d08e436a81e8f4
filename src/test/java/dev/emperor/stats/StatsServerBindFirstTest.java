package dev.emperor.stats;

import static dev.emperor.stats.StatsTestSupport.connect;
import static dev.emperor.stats.StatsTestSupport.readToEof;
import static dev.emperor.stats.StatsTestSupport.snapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.core.EmperorLog;
import dev.emperor.core.EmperorSnapshot;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The daemon binds the stats address before its first spawn and serves after it
 * (docs/operations.md, "Start-up trace"): an address in use fails at {@link StatsServer#bind()},
 * and a client that connects between bind and start waits in the backlog and is answered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatsServerBindFirstTest {
    private final EmperorSnapshot snap = snapshot(2);

    private StatsServer server(String address) {
        return new StatsServer(address, 100, null, Duration.ofSeconds(5), () -> snap, false,
                Duration.ofMillis(200), 1024, EmperorLog.standard());
    }

    @Test
    void aClientConnectedBeforeServingIsAnsweredOnceServing() throws IOException {
        StatsServer server = server("127.0.0.1:0");
        try {
            server.bind();
            assertTrue(server.port() > 0, "bound: the port is known before serving");
            try (Socket early = connect(server)) { // accepted by the kernel's backlog: nothing serves yet
                early.getOutputStream().write("GET /stats HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                server.start();
                String answer = new String(readToEof(early.getInputStream()), StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("HTTP/1.0 200") || answer.startsWith("HTTP/1.1 200"), answer);
                assertTrue(answer.contains("\"pid\":4242"), answer);
            }
            try (Socket later = connect(server)) {
                assertArrayEquals(StatsJson.toBytes(snap, false), readToEof(later.getInputStream()));
            }
        } finally {
            server.close();
        }
    }

    @Test
    void anAddressInUseFailsAtBind() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            StatsServer server = server("127.0.0.1:" + taken.getLocalPort());
            IOException e = assertThrows(IOException.class, server::bind);
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
            server.close();
        }
    }

    @Test
    void closedBeforeServingRefusesToStartAndFreesTheAddress() throws IOException {
        StatsServer server = server("127.0.0.1:0");
        server.bind();
        int port = server.port();
        server.close();
        assertThrows(IllegalStateException.class, server::start);
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new java.net.InetSocketAddress("127.0.0.1", port)); // the listener was closed
            assertEquals(port, again.getLocalPort());
        }
    }
}
