package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * {@code GET /ui} in a real browser: headless Chromium (Debian's {@code chromium}; skipped when absent, except
 * in CI where it fails) loads the page from a running daemon governing real uWSGI vassals, sees every vassal's row
 * and state, and with {@code emperor-stats-control} restarts one by clicking its button; the restart is checked
 * through the stats and the vassal's new worker, not only through the page. Screenshots go to
 * {@code target/it-logs/}; {@code -Dui.screenshot=docs/ui.png -Dit.test=UiBrowserIT#screenshotForTheReadme}
 * regenerates the README's picture. Our daemon only.
 */
@Timeout(120)
class UiBrowserIT {

    private static final Duration PAGE = Duration.ofSeconds(10);

    /** What the page shows in one row. */
    record Row(String id, String state, String pid, String uptime, String respawns, String throttle,
            String heartbeat, String exit, List<String> buttons) {
    }

    private static final String ROWS_JS = "Array.from(document.querySelectorAll('#vassals tbody tr[data-vassal]'))"
            + ".map(tr => [tr.dataset.vassal, tr.querySelector('td.state').textContent,"
            + " tr.querySelector('td.pid').textContent, tr.querySelector('td.uptime').textContent,"
            + " tr.querySelector('td.respawns').textContent, tr.querySelector('td.throttle').textContent,"
            + " tr.querySelector('td.heartbeat').textContent, tr.querySelector('td.exit').textContent,"
            + " Array.from(tr.querySelectorAll('button[data-action]'))"
            + ".map(b => b.dataset.action + (b.disabled ? ':disabled' : ''))])";

    @BeforeEach
    void ours() {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "the web page is this daemon's, not uWSGI's");
        Chromium.requireBinary();
    }

    static Map<String, Row> rows(Chromium.Page page) throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (Object o : (List<?>) page.evalJson(ROWS_JS)) {
            List<?> r = (List<?>) o;
            List<String> buttons = ((List<?>) r.get(8)).stream().map(String::valueOf).toList();
            rows.put((String) r.get(0), new Row((String) r.get(0), (String) r.get(1), (String) r.get(2),
                    (String) r.get(3), (String) r.get(4), (String) r.get(5), (String) r.get(6), (String) r.get(7),
                    buttons));
        }
        return rows;
    }

    static long updates(Chromium.Page page) throws IOException {
        Object v = page.eval("Number(document.documentElement.dataset.updates || 0)");
        return ((Number) v).longValue();
    }

    /** Waits for a refresh of the page that started after now, then until {@code cond} holds on its rows. */
    static Map<String, Row> awaitRows(Chromium.Page page, String desc, java.util.function.Predicate<Map<String, Row>> cond)
            throws IOException {
        long seen = updates(page);
        return Poll.value(PAGE, "the page to show " + desc, () -> {
            if (updates(page) <= seen) return Optional.empty();
            Map<String, Row> rows = rows(page);
            return cond.test(rows) ? Optional.of(rows) : Optional.empty();
        });
    }

    @Test
    void showsEveryVassalAndRestartsOneByClick() throws Exception {
        int p1 = Ports.free();
        int p2 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("ui-browser").option("emperor-stats-control", "true").build()) {
            Vassals.python("app1", p1).writeTo(e);
            Vassals.python("app2", p2).writeTo(e);
            e.start();
            long worker1 = e.awaitAnswer(p1, "app1", TempEmperor.SHORT).workerPid();
            e.awaitAnswer(p2, "app2", TempEmperor.SHORT);
            Stats before = e.awaitStats(TempEmperor.SHORT, "both vassals running",
                    s -> s.vassal("app1.ini").filter(v -> v.pid() > 0).isPresent()
                            && s.vassal("app2.ini").filter(v -> v.pid() > 0).isPresent());
            long master1 = before.vassal("app1.ini").orElseThrow().pid();
            long master2 = before.vassal("app2.ini").orElseThrow().pid();

            try (Chromium browser = Chromium.launch("ui-browser")) {
                Chromium.Page page = browser.newPage(1200, 600);
                page.navigate("http://127.0.0.1:" + e.statsPort() + "/ui");

                // every vassal's row and state, as the stats say
                Map<String, Row> rows = awaitRows(page, "app1.ini and app2.ini running",
                        r -> r.containsKey("app1.ini") && r.containsKey("app2.ini")
                                && r.get("app1.ini").state().equals("running")
                                && r.get("app2.ini").state().equals("running"));
                assertEquals(List.of("app1.ini", "app2.ini"), List.copyOf(rows.keySet()), "one row per vassal");
                assertEquals(String.valueOf(master1), rows.get("app1.ini").pid());
                assertEquals(String.valueOf(master2), rows.get("app2.ini").pid());
                assertEquals("0", rows.get("app1.ini").respawns());
                assertEquals("never", rows.get("app1.ini").heartbeat(), "python vassals send no heartbeat");
                assertTrue(rows.get("app1.ini").uptime().matches("\\d+s|\\d+m \\d\\ds"), rows.get("app1.ini").uptime());
                assertEquals("—", rows.get("app1.ini").throttle());
                assertEquals(List.of("restart", "stop", "start:disabled", "reset-throttle:disabled"),
                        rows.get("app1.ini").buttons(), "control enabled: the buttons that can act on a running vassal");
                assertEquals(String.valueOf(e.pid()), page.eval(
                        "document.querySelector('#emperor-info b').textContent"), "the emperor's pid in the header");

                // restart app1 by clicking its button
                page.click("tr[data-vassal='app1.ini'] button[data-action='restart']");

                // the daemon did it: stats and the vassal itself (its worker was replaced by the reload)
                e.awaitVassal("app1.ini", TempEmperor.SHORT, "respawns 1 after the click", v -> v.respawns() == 1);
                e.awaitAnswer(p1, "app1", TempEmperor.SHORT, r -> r.workerPid() != worker1, "from a new worker");
                Stats after = e.stats();
                assertEquals(master1, after.vassal("app1.ini").orElseThrow().pid(), "a reload keeps the master");
                assertEquals(0, after.vassal("app2.ini").orElseThrow().respawns(), "app2 untouched");
                assertEquals(master2, after.vassal("app2.ini").orElseThrow().pid(), "app2 untouched");

                // the page shows the answer and the new respawn count
                Object result = Poll.value(PAGE, "the page to show the answer to the click", () -> {
                    Object r = page.evalJson("(() => { const r = document.getElementById('result');"
                            + " return r.hidden || r.dataset.ok === '' ? null"
                            + " : [r.dataset.vassal, r.dataset.action, r.dataset.ok, r.textContent]; })()");
                    return r instanceof List<?> ? Optional.of(r) : Optional.empty();
                });
                List<?> answer = (List<?>) result;
                assertEquals(List.of("app1.ini", "restart", "true"), answer.subList(0, 3), "result: " + answer);
                assertTrue(((String) answer.get(3)).startsWith("restart app1.ini: "), "result text: " + answer.get(3));
                rows = awaitRows(page, "app1.ini with 1 respawn", r -> r.get("app1.ini").respawns().equals("1")
                        && r.get("app1.ini").state().equals("running"));
                assertEquals("0", rows.get("app2.ini").respawns());
                page.screenshot(1200, Path.of(Impl.setting("it.logdir", "IT_LOGDIR", "target/it-logs"), "ui-browser.png"));
            }
        }
    }

    @Test
    void readOnlyWithoutControl() throws Exception {
        int p1 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("ui-read-only").build()) {
            Vassals.python("app1", p1).writeTo(e);
            Vassals.exitsAtOnce("bad", Ports.free()).writeTo(e);
            e.start();
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
            try (Chromium browser = Chromium.launch("ui-read-only")) {
                Chromium.Page page = browser.newPage(1000, 400);
                page.navigate("http://127.0.0.1:" + e.statsPort() + "/ui");
                // a crash loop's exit code is on the page, not only in the log
                Map<String, Row> rows = awaitRows(page, "app1.ini running, bad.ini's last exit shown",
                        r -> r.containsKey("app1.ini") && r.get("app1.ini").state().equals("running")
                                && r.containsKey("bad.ini") && r.get("bad.ini").exit().startsWith("exit 22, "));
                assertTrue(rows.get("bad.ini").exit().matches("exit 22, \\d+s ago"), rows.get("bad.ini").toString());
                assertEquals("—", rows.get("app1.ini").exit(), "never exited");
                assertEquals(List.of(), rows.get("app1.ini").buttons(), "no buttons without emperor-stats-control");
                assertEquals(0L, ((Number) page.eval("document.querySelectorAll('button').length")).longValue());
                assertEquals("false", page.eval("document.documentElement.dataset.control"));
            }
        }
    }

    /**
     * The README's picture ({@code docs/ui.png}): five vassals in four states, one restarted from the page.
     * Runs only with {@code -Dui.screenshot=PATH}.
     */
    @Test
    @EnabledIfSystemProperty(named = "ui.screenshot", matches = ".+")
    @Timeout(180)
    void screenshotForTheReadme() throws Exception {
        Path out = Path.of(System.getProperty("ui.screenshot"));
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String name : List.of("shop", "api", "blog", "billing")) ports.put(name, Ports.free());
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "emperor-demo");
        TempEmperor.deleteTree(root);
        try (TempEmperor e = TempEmperor.prepare("ui-screenshot").root(root, false)
                .option("emperor-stats-control", "true").build()) {
            for (Map.Entry<String, Integer> v : ports.entrySet()) {
                Vassals.python(v.getKey(), v.getValue(), v.getKey().equals("blog") ? "processes = 1" : "heartbeat = 2")
                        .writeTo(e);
            }
            Vassals.exitsAtOnce("broken", Ports.free()).writeTo(e);
            e.start();
            for (Map.Entry<String, Integer> v : ports.entrySet()) e.awaitAnswer(v.getValue(), v.getKey(), TempEmperor.SHORT);
            try (Chromium browser = Chromium.launch("ui-screenshot")) {
                Chromium.Page page = browser.newPage(1200, 600);
                page.navigate("http://127.0.0.1:" + e.statsPort() + "/ui");
                awaitRows(page, "four running vassals", r -> ports.keySet().stream()
                        .allMatch(n -> r.containsKey(n + ".ini") && r.get(n + ".ini").state().equals("running")));
                page.click("tr[data-vassal='billing.ini'] button[data-action='stop']");
                e.awaitVassal("billing.ini", TempEmperor.SHORT, "suspended", v -> v.obj().num("suspended") == 1);
                page.click("tr[data-vassal='api.ini'] button[data-action='restart']");
                e.awaitVassal("api.ini", TempEmperor.SHORT, "respawned", v -> v.respawns() == 1);
                e.awaitAnswer(ports.get("api"), "api", TempEmperor.SHORT);
                Poll.value(Duration.ofSeconds(60), "broken.ini throttled by a second or more, heartbeats seen", () -> {
                    Stats s = e.stats();
                    boolean throttled = s.blacklisted("broken.ini").filter(b -> b.throttleLevel() >= 1000).isPresent()
                            && s.vassal("broken.ini").isEmpty();
                    boolean beats = s.vassal("shop.ini").filter(v -> v.lastHeartbeat() > 0).isPresent();
                    return throttled && beats ? Optional.of(s) : Optional.empty();
                });
                Map<String, Row> rows = awaitRows(page, "every state", r -> r.containsKey("broken.ini")
                        && r.get("broken.ini").state().equals("throttled")
                        && r.get("billing.ini").state().equals("suspended")
                        && r.get("api.ini").respawns().equals("1"));
                assertNotEquals("never", rows.get("shop.ini").heartbeat());
                assertTrue(rows.get("broken.ini").exit().startsWith("exit 22, "), "need-app failure: " + rows.get("broken.ini"));
                assertEquals("—", rows.get("shop.ini").exit(), "never exited");
                page.screenshot(1200, out);
                System.out.println("[ui-screenshot] wrote " + out.toAbsolutePath() + ": " + rows.values());
            }
        }
    }
}
