package dev.emperor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code GET /ui} and {@code GET /ui/config.json}; the page's behaviour is checked in Chromium by UiBrowserIT. */
class UiRouteTest {

    private static HttpRequest request(String method, String path) {
        return new HttpRequest(method, path, path, null, "HTTP/1.1", Map.of(), null);
    }

    @Test
    void servesTheSelfContainedPage() {
        Router router = new Router();
        UiRoute.register(router, false);
        HttpResponse r = router.handle(request("GET", "/ui"));
        assertEquals(200, r.status());
        assertEquals("text/html; charset=utf-8", r.contentType());
        assertEquals(UiRoute.CSP, r.headers().get("Content-Security-Policy"));
        String html = new String(r.body(), StandardCharsets.UTF_8);
        assertTrue(html.startsWith("<!doctype html>"), html.substring(0, 40));
        assertTrue(html.contains("<table id=\"vassals\">"));
        // self-contained: no external script, style sheet, image or font; only relative fetches
        assertFalse(html.contains("<script src"), "external script");
        assertFalse(html.contains("stylesheet"), "external style sheet");
        assertFalse(html.contains("@import") || html.contains("url("), "css reference to another resource");
        Matcher refs = Pattern.compile("(?:src|href)\\s*=\\s*\"([^\"]*)\"").matcher(html);
        while (refs.find()) {
            assertTrue(refs.group(1).startsWith("data:"), "reference to another resource: " + refs.group());
        }
        Matcher fetches = Pattern.compile("fetch\\(([^,)]*)").matcher(html);
        int n = 0;
        while (fetches.find()) {
            assertTrue(fetches.group(1).startsWith("api("), "fetch not relative to the page: " + fetches.group());
            n++;
        }
        assertTrue(n >= 2, "the page fetches (GETs through one helper) and POSTs");
        assertSame(r, router.handle(request("GET", "/ui")), "cached, not rebuilt per request");
    }

    @Test
    void headFallsBackToGet() {
        Router router = new Router();
        UiRoute.register(router, true);
        assertEquals(200, router.handle(request("HEAD", "/ui")).status());
        assertEquals(405, router.handle(request("POST", "/ui")).status());
        assertEquals(404, router.handle(request("GET", "/ui/other")).status());
    }

    @Test
    void configTellsWhetherControlIsEnabled() {
        for (boolean control : new boolean[] {false, true}) {
            Router router = new Router();
            UiRoute.register(router, control);
            HttpResponse r = router.handle(request("GET", "/ui/config.json"));
            assertEquals(200, r.status());
            assertEquals(HttpResponse.JSON, r.contentType());
            assertEquals("{\"control\":" + control + "}", new String(r.body(), StandardCharsets.US_ASCII));
        }
    }
}
