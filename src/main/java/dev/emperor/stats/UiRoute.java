package dev.emperor.stats;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The live web page on the stats address: {@code GET /ui} serves one self-contained HTML page
 * ({@code ui.html} beside this class: inline CSS and JS, no external assets) that reads
 * {@code /stats} every 1.5 s, and {@code GET /ui/config.json} tells it whether HTTP control is
 * enabled ({@code {"control":true}}), so that it shows the restart/stop/start/reset-throttle
 * buttons only then. Both bodies are built once; the handlers only hand out the cached bytes.
 */
public final class UiRoute {

    public static final String PATH = "/ui";
    public static final String CONFIG_PATH = "/ui/config.json";
    public static final String HTML = "text/html; charset=utf-8";
    static final String RESOURCE = "ui.html";

    /**
     * Only inline script and style, requests only to this origin, nothing framed: a vassal name
     * that slips past the page's escaping still cannot load or send anything elsewhere.
     */
    static final String CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            + "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final HttpResponse page;
    private final HttpResponse config;

    /** @param control whether the POST control endpoints are enabled (shows the buttons) */
    public UiRoute(boolean control) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Cache-Control", "no-cache");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Content-Security-Policy", CSP);
        this.page = new HttpResponse(200, HTML, headers, pageBytes());
        this.config = new HttpResponse(200, HttpResponse.JSON, Map.of("Cache-Control", "no-store"),
                ("{\"control\":" + control + "}").getBytes(StandardCharsets.US_ASCII));
    }

    /** Adds {@code GET /ui} and {@code GET /ui/config.json} to {@code router}. */
    public static UiRoute register(Router router, boolean control) {
        UiRoute ui = new UiRoute(control);
        router.get(PATH, request -> ui.page).get(CONFIG_PATH, request -> ui.config);
        return ui;
    }

    public HttpResponse page() {
        return page;
    }

    public HttpResponse config() {
        return config;
    }

    /** The page as packaged; a jar without it is a build error, so this fails loudly. */
    static byte[] pageBytes() {
        try (InputStream in = UiRoute.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing beside " + UiRoute.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
