package dev.emperor.stats;

import dev.emperor.testing.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    static HttpResponse scrape(MetricsEndpoint m) {
        return m.handle(new HttpRequest("GET", "/metrics", "/metrics", null, "HTTP/1.1", Map.of(), null));
    }

    static String sample(HttpResponse r, String name) {
        for (String line : new String(r.body(), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith(name + " ")) {
                return line.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no sample " + name);
    }

    @Test
    void contentTypeAndOpenFds() {
        HttpResponse r = scrape(new MetricsEndpoint(MetricsTextTest::snapshot, null, () -> MetricsTextTest.NOW_MS));
        assertEquals(200, r.status());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.contentType());
        assertTrue(Double.parseDouble(sample(r, "emperor_open_fds")) >= 3, "stdin/out/err at least");
        assertEquals("NaN", sample(r, "emperor_event_loop_lag_seconds"), "no loop, no measurement");
    }

    @Test
    void lagIsThePreviousProbesWaitAndAStuckLoopShowsItsAge() {
        List<Runnable> queued = new ArrayList<>();
        MetricsEndpoint m = new MetricsEndpoint(MetricsTextTest::snapshot, queued::add, () -> MetricsTextTest.NOW_MS);
        assertEquals("NaN", sample(scrape(m), "emperor_event_loop_lag_seconds"), "first scrape: nothing measured yet");
        assertEquals(1, queued.size(), "the scrape posted one probe");
        Await.elapse(java.time.Duration.ofMillis(20)); // the loop is "busy" for at least 20 ms
        double stuck = Double.parseDouble(sample(scrape(m), "emperor_event_loop_lag_seconds"));
        assertTrue(stuck >= 0.02, "the waiting probe's age counts: " + stuck);
        assertEquals(1, queued.size(), "no second probe while one waits");
        queued.remove(0).run(); // the loop runs it now
        double measured = Double.parseDouble(sample(scrape(m), "emperor_event_loop_lag_seconds"));
        assertTrue(measured >= 0.02 && measured < 60, "measured wait: " + measured);
        assertEquals(1, queued.size(), "a new probe is posted");
        queued.remove(0).run(); // a quick loop now
        double quick = Double.parseDouble(sample(scrape(m), "emperor_event_loop_lag_seconds"));
        assertTrue(quick < measured, quick + " < " + measured);
    }
}
