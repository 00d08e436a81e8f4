package dev.emperor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.emperor.control.EmperorCommands;
import dev.emperor.core.Control;
import dev.emperor.core.EmperorSnapshot;
import dev.emperor.core.VassalView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ControlRoutesTest {

    /** Records calls; answers as told. */
    static final class FakeController implements EmperorCommands {
        final List<String> calls = new ArrayList<>();
        Control.Result next;
        boolean never;

        @Override
        public CompletableFuture<Control.Result> control(String name, Control.Action action) {
            calls.add(action.verb() + " " + name);
            return never ? new CompletableFuture<>() : CompletableFuture.completedFuture(next);
        }

        @Override
        public void reloadAll() {
            calls.add("reload-all");
        }

        String upgradeRefusal;

        @Override
        public CompletableFuture<String> upgrade() {
            calls.add("upgrade");
            return CompletableFuture.completedFuture(upgradeRefusal);
        }

        @Override
        public void logMessage(String msg) {
            throw new AssertionError("HTTP control has no log command");
        }
    }

    static final EmperorSnapshot SNAP = new EmperorSnapshot("2.0.21", 1, 0, 0, "/", List.of("/v"), false, 0,
            List.of(MetricsTextTest.view("app 1.ini", 10, "running", 0, 0, 2)), List.of(), 0,
            List.of(MetricsTextTest.view("broken.ini", -1, "throttled", 0, 2001, 0)));

    static Router router(EmperorCommands c, boolean anyHost) {
        Router r = new Router();
        ControlRoutes.install(r, () -> SNAP, c, anyHost, Duration.ofMillis(100));
        return r;
    }

    static HttpResponse call(Router r, String method, String path, String... headers) {
        Map<String, String> h = new HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i].toLowerCase(java.util.Locale.ROOT), headers[i + 1]);
        }
        return r.handle(new HttpRequest(method, path, path, null, "HTTP/1.1", h, null));
    }

    static String text(HttpResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** Top-level keys of a JSON object, in order. */
    static List<String> keys(String json) throws IOException {
        List<String> keys = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                keys.add(p.currentName());
                p.nextToken();
                p.skipChildren();
            }
        }
        return keys;
    }

    @Test
    void getOneVassalByPercentDecodedNameWithStateAfterUwsgisKeys() throws IOException {
        Router r = router(null, false);
        HttpResponse ok = call(r, "GET", "/vassals/app%201.ini");
        assertEquals(200, ok.status());
        assertEquals(HttpResponse.JSON, ok.contentType());
        List<String> keys = keys(text(ok));
        assertEquals(List.of("id", "pid", "born", "last_mod", "last_heartbeat", "loyal", "ready", "accepting",
                "last_loyal", "last_ready", "last_accepting", "first_run", "last_run", "cursed", "zerg", "on_demand",
                "suspended", "adopted", "uid", "gid", "monitor", "attrs", "respawns", "last_exit_code", "last_exit_signal", "last_exit", "state", "throttle_ms",
                "starts", "deaths"), keys);
        assertTrue(text(ok).contains("\"state\":\"running\""), text(ok));

        HttpResponse waiting = call(r, "GET", "/vassals/broken.ini");
        assertEquals(200, waiting.status(), "vassals uWSGI does not list are found too");
        assertTrue(text(waiting).endsWith("\"state\":\"throttled\",\"throttle_ms\":2001,\"starts\":0,\"deaths\":0}"), text(waiting));

        HttpResponse missing = call(r, "GET", "/vassals/nope%22.ini");
        assertEquals(404, missing.status());
        assertEquals("no vassal named nope\".ini\n", text(missing));
        assertEquals(HttpResponse.TEXT, missing.contentType());
        assertEquals(200, call(r, "HEAD", "/vassals/broken.ini").status());
    }

    @Test
    void listHasEveryVassalAndSaysWhetherControlIsOn() throws IOException {
        String off = text(call(router(null, false), "GET", "/vassals"));
        assertTrue(off.startsWith("{\"control\":false,\"vassals\":[{\"id\":\"app 1.ini\""), off);
        assertTrue(off.contains("{\"id\":\"broken.ini\""), off);
        assertTrue(text(call(router(new FakeController(), false), "GET", "/vassals")).startsWith("{\"control\":true,"));
    }

    @Test
    void upgradeIsAcceptedOrRefusedWithTheReason() {
        FakeController c = new FakeController();
        Router r = router(c, false);
        HttpResponse ok = call(r, "POST", "/upgrade");
        assertEquals(200, ok.status());
        assertEquals("{\"ok\":true,\"message\":\"upgrading\",\"vassal\":null}", text(ok).strip());
        c.upgradeRefusal = "2 vassal(s) still run the process handed over by the previous upgrade";
        HttpResponse refused = call(r, "POST", "/upgrade");
        assertEquals(409, refused.status());
        assertTrue(text(refused).contains("handed over by the previous upgrade"), text(refused));
        assertEquals(List.of("upgrade", "upgrade"), c.calls);
        assertEquals(403, call(router(null, false), "POST", "/upgrade").status(), "control disabled");
        assertEquals(403, call(r, "POST", "/upgrade", "Host", "127.0.0.1:9191", "Origin", "http://evil.example").status());
    }

    @Test
    void controlIsForbiddenWhenDisabled() {
        Router r = router(null, false);
        for (String path : List.of("/vassals/app%201.ini/restart", "/vassals/nope/stop", "/reload-all", "/vassals/x/bogus")) {
            HttpResponse resp = call(r, "POST", path);
            assertEquals(403, resp.status(), path);
            assertEquals(ControlRoutes.DISABLED + "\n", text(resp));
        }
    }

    @Test
    void verbsCallTheControllerAndMapItsAnswer() throws IOException {
        FakeController c = new FakeController();
        Router r = router(c, false);
        VassalView after = SNAP.vassals().get(0);
        c.next = new Control.Result(true, false, "ok", after);
        HttpResponse ok = call(r, "POST", "/vassals/app%201.ini/restart");
        assertEquals(200, ok.status());
        assertEquals(List.of("ok", "message", "vassal"), keys(text(ok)));
        assertTrue(text(ok).startsWith("{\"ok\":true,\"message\":\"ok\",\"vassal\":{\"id\":\"app 1.ini\""), text(ok));

        c.next = new Control.Result(false, false, "cannot stop a vassal that is stopping", after);
        HttpResponse refused = call(r, "POST", "/vassals/app%201.ini/stop");
        assertEquals(409, refused.status());
        assertTrue(text(refused).startsWith("{\"ok\":false,\"message\":\"cannot stop a vassal that is stopping\",\"vassal\":{"));

        c.next = new Control.Result(false, true, "no vassal named nope", null);
        HttpResponse unknown = call(r, "POST", "/vassals/nope/start");
        assertEquals(404, unknown.status());
        assertEquals("{\"ok\":false,\"message\":\"no vassal named nope\",\"vassal\":null}", text(unknown));

        c.next = new Control.Result(true, false, "ok", after);
        assertEquals(200, call(r, "POST", "/vassals/broken.ini/reset-throttle").status());
        HttpResponse all = call(r, "POST", "/reload-all");
        assertEquals(200, all.status());
        assertEquals("{\"ok\":true}", text(all));
        assertEquals(List.of("restart app 1.ini", "stop app 1.ini", "start nope", "reset-throttle broken.ini", "reload-all"),
                c.calls);
    }

    @Test
    void wrongMethodsAndUnknownActionsAreClientErrors() {
        FakeController c = new FakeController();
        Router r = router(c, false);
        HttpResponse getOnPost = call(r, "GET", "/vassals/app1.ini/restart");
        assertEquals(405, getOnPost.status());
        assertEquals("POST", getOnPost.headers().get("Allow"));
        HttpResponse getReload = call(r, "GET", "/reload-all");
        assertEquals(405, getReload.status());
        assertEquals("POST", getReload.headers().get("Allow"));
        HttpResponse postOnGet = call(r, "POST", "/vassals/app1.ini");
        assertEquals(405, postOnGet.status());
        assertEquals("GET, HEAD", postOnGet.headers().get("Allow"));
        assertEquals(405, call(r, "POST", "/vassals").status());
        assertEquals(405, call(r, "DELETE", "/vassals/app1.ini").status());
        HttpResponse bogus = call(r, "POST", "/vassals/app1.ini/explode");
        assertEquals(404, bogus.status());
        assertEquals("unknown action 'explode' (restart, stop, start, reset-throttle)\n", text(bogus));
        assertEquals(404, call(r, "GET", "/vassals/a/b").status());
        assertEquals(404, call(r, "POST", "/vassals//restart").status());
        for (HttpResponse resp : List.of(getOnPost, postOnGet, bogus)) {
            String t = text(resp);
            assertTrue(t.endsWith("\n") && t.indexOf('\n') == t.length() - 1, "one line: " + t);
        }
        assertTrue(c.calls.isEmpty(), c.calls.toString());
    }

    @Test
    void aLoopThatDoesNotAnswerGives503() {
        FakeController c = new FakeController();
        c.never = true;
        HttpResponse r = call(router(c, false), "POST", "/vassals/app1.ini/restart");
        assertEquals(503, r.status());
        assertEquals("the event loop did not answer within 100 ms\n", text(r));
    }

    @Test
    void browsersOnOtherOriginsAndForeignHostNamesCannotControl() {
        FakeController c = new FakeController();
        c.next = new Control.Result(true, false, "ok", null);
        Router r = router(c, false);
        assertEquals(403, call(r, "POST", "/reload-all", "Host", "127.0.0.1:9191", "Origin", "http://evil.example").status());
        assertEquals(403, call(r, "POST", "/reload-all", "Host", "127.0.0.1:9191", "Origin", "null").status());
        assertEquals(403, call(r, "POST", "/reload-all", "Host", "rebound.example:9191").status(), "DNS rebinding");
        assertEquals(200, call(r, "POST", "/reload-all", "Host", "127.0.0.1:9191", "Origin", "http://127.0.0.1:9191").status(),
                "the /ui page on the same origin");
        assertEquals(200, call(r, "POST", "/reload-all", "Host", "localhost:9191").status());
        assertEquals(200, call(r, "POST", "/reload-all", "Host", "[::1]:9191").status());
        assertEquals(200, call(r, "POST", "/reload-all").status(), "HTTP/1.0 without Host");
        Router any = router(c, true);
        assertEquals(200, call(any, "POST", "/reload-all", "Host", "emperor.example:9191").status());
        assertEquals(403, call(any, "POST", "/reload-all", "Host", "emperor.example:9191", "Origin", "http://evil.example").status());
    }

    @Test
    void controlOnANonLoopbackAddressNeedsTheOperatorToInsist() {
        assertNull(ControlRoutes.addressRefusal("127.0.0.1:9191", true, false));
        assertNull(ControlRoutes.addressRefusal("[::1]:9191", true, false));
        assertNull(ControlRoutes.addressRefusal("localhost:9191", true, false));
        assertNull(ControlRoutes.addressRefusal("/run/emperor/stats.sock", true, false), "UNIX sockets are local");
        assertNull(ControlRoutes.addressRefusal("0.0.0.0:9191", false, false), "control off");
        assertNull(ControlRoutes.addressRefusal("0.0.0.0:9191", true, true), "operator insists");
        assertNull(ControlRoutes.addressRefusal(null, true, false));
        String refusal = ControlRoutes.addressRefusal("0.0.0.0:9191", true, false);
        assertNotNull(refusal);
        assertTrue(refusal.contains("0.0.0.0:9191") && refusal.contains("emperor-stats-control-any-address"), refusal);
        assertNotNull(ControlRoutes.addressRefusal(":9191", true, false), "all interfaces");
        assertNotNull(ControlRoutes.addressRefusal("[::]:9191", true, false));
    }
}
