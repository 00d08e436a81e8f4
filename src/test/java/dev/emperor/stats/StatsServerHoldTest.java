package dev.emperor.stats;

import static dev.emperor.stats.StatsTestSupport.connect;
import static dev.emperor.stats.StatsTestSupport.readToEof;
import static dev.emperor.stats.StatsTestSupport.snapshot;
import static dev.emperor.stats.StatsTestSupport.tcpServer;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * In-place upgrade (docs/upgrade.md, "Order of events"): while held, the stats thread accepts nothing —
 * a client waits in the listen backlog (for the next process) instead of being accepted on an fd that
 * would leak across the exec; released, it is served.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class StatsServerHoldTest {

    @Test
    void aHeldServerLeavesClientsInTheBacklogUntilReleased() throws Exception {
        try (StatsServer server = tcpServer(snapshot(1), true)) {
            assertTrue(server.holdAccepting(Duration.ofSeconds(5)), "the stats thread confirms the hold");
            try (Socket client = connect(server)) {
                client.setSoTimeout(1500); // raw clients are answered after the 200 ms sniff window when accepted
                InputStream in = client.getInputStream();
                assertThrows(SocketTimeoutException.class, in::read, "not accepted while held");
                server.resumeAccepting();
                client.setSoTimeout(10_000);
                String doc = new String(readToEof(in), StandardCharsets.UTF_8);
                assertTrue(doc.contains("\"vassals\""), doc);
            }
        }
    }
}
