package dev.emperor.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.core.EmperorLog;
import dev.emperor.core.EmperorSnapshot;
import dev.emperor.internal.FakeNative;
import dev.emperor.stats.HttpResponse;
import dev.emperor.stats.StatsServer;
import dev.emperor.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stats server's routes are built, and serving starts, once the first scan is applied. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeferredStatsTest {
    private final EmperorSnapshot snap = new EmperorSnapshot("2.0.21", 4242, 0, 0, "/srv/v", List.of("/srv/v"), false,
            0, List.of(), List.of(), 0);

    @Test
    void routesAreAddedThenTheServerServesOnceTheFirstScanIsApplied() throws Exception {
        StatsServer server = new StatsServer("127.0.0.1:0", 100, null, Duration.ofSeconds(5), () -> snap, false,
                Duration.ofMillis(200), 1024, EmperorLog.standard());
        try {
            server.bind();
            AtomicBoolean routed = new AtomicBoolean();
            // the wait for the first scan is bounded (MAX_WAIT_MS): this checks the order of what follows it
            DeferredStats deferred = new DeferredStats(server, () -> {
                server.router().get("/late", request -> HttpResponse.text(200, "late route"));
                routed.set(true);
            }, new FakeNative(), Runnable::run, EmperorLog.standard());
            try (Socket early = new Socket()) {
                early.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                early.setSoTimeout(10_000);
                early.getOutputStream().write("GET /late HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                deferred.firstScanApplied();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                early.getInputStream().transferTo(out); // answered only once served, by then with the late route
                String answer = out.toString(StandardCharsets.UTF_8);
                assertTrue(answer.contains(" 200 ") && answer.contains("late route"), answer);
            }
            Await.until("routes ran", routed::get);
        } finally {
            server.close();
        }
    }

    @Test
    void aServerClosedBeforeTheFirstScanIsNeverServed() throws IOException {
        StatsServer server = new StatsServer("127.0.0.1:0", 100, null, Duration.ofSeconds(5), () -> snap, false,
                Duration.ofMillis(200), 1024, EmperorLog.standard());
        server.bind();
        int port = server.port();
        AtomicBoolean routed = new AtomicBoolean();
        DeferredStats deferred = new DeferredStats(server, () -> routed.set(true), new FakeNative(), Runnable::run, EmperorLog.standard());
        server.close();
        deferred.firstScanApplied();
        Await.until(Duration.ofSeconds(5), "the routes step ran and its start was refused", routed::get);
        Await.until(Duration.ofSeconds(5), "no stats thread", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("stats-setup")));
        Socket s = new Socket();
        try (s) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            throw new AssertionError("connected to a closed stats address");
        } catch (IOException expected) {
            // refused: nothing listens
        }
    }
}
