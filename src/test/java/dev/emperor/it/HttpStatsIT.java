package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deliberate improvement: the stats socket answers an HTTP client with a proper HTTP/1.1 response carrying the
 * same JSON, and still answers a silent (uWSGI-style) client with the raw document. Our daemon only.
 */
@Timeout(60)
class HttpStatsIT {

    @Test
    void statsSpeakHttpToHttpClients() throws Exception {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "HTTP stats are an improvement over uWSGI");
        int p1 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("http-stats").build()) {
            Vassals.python("app1", p1).writeTo(e);
            e.start();
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
            Stats raw = e.awaitStats(TempEmperor.SHORT, "app1 listed", s -> s.vassal("app1.ini").isPresent());
            assertTrue(raw.raw().startsWith("{"), "a silent client gets the bare JSON, no HTTP header");

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.statsPort() + "/"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"),
                    "content type: " + r.headers().map());
            Stats viaHttp = Stats.parse(r.body());
            assertEquals(raw.topKeys(), viaHttp.topKeys(), "same document over HTTP");
            assertEquals(e.pid(), viaHttp.pid());
            assertEquals(raw.vassal("app1.ini").orElseThrow().obj().keys(),
                    viaHttp.vassal("app1.ini").orElseThrow().obj().keys());
            assertEquals(raw.vassal("app1.ini").orElseThrow().pid(), viaHttp.vassal("app1.ini").orElseThrow().pid());
        }
    }
}
