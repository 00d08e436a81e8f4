package dev.emperor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.core.BlacklistView;
import dev.emperor.core.EmperorSnapshot;
import dev.emperor.core.LoopStats;
import dev.emperor.core.VassalView;
import dev.emperor.testing.Promtool;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MetricsTextTest {

    static final long NOW_MS = 1_795_803_200_000L;
    static final String WEIRD = "we\"ird\\na\nme \u00e9\uD83D\uDE00.ini";

    static VassalView view(String id, int pid, String state, long lastHeartbeat, long throttleMs, long respawns) {
        return new VassalView(id, pid, 1795803115L, 1795803115L, lastHeartbeat, true, true, false,
                1795803119L, 1795803115L, 0L, 1795803115L, 1795803150L, 0L, false, "",
                state.equals("suspended"), false, 0, 0, "/srv/v", Map.of(), respawns, state, throttleMs);
    }

    static EmperorSnapshot snapshot() {
        List<VassalView> listed = List.of(
                view("app1.ini", 4242, "running", 1795803190L, 0, 3),
                view(WEIRD, 4243, "running", 0, 0, 0),
                view("paused.ini", -1, "suspended", 0, 0, 0));
        List<VassalView> waiting = List.of(view("broken.ini", -1, "throttled", 0, 3001, 0));
        List<BlacklistView> blacklist = List.of(new BlacklistView("broken.ini", 3001, 4, 1795803100L, 1795803190L));
        return new EmperorSnapshot("2.0.21", 77, 0, 0, "/srv", List.of("/srv/v"), false, 0, listed, blacklist,
                NOW_MS - 1500, waiting, new LoopStats(9, 5, 3, 1, 42_000));
    }

    static String render() {
        return MetricsText.render(snapshot(), new MetricsText.Readings(NOW_MS, 0.000125, 31, ProcessReadings.UNKNOWN));
    }

    /** name{labels} -> value, for the samples of the text (a small reader for assertions; validity is promtool's job). */
    static Map<String, String> samples(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("#") && !line.isEmpty()) {
                int sp = line.lastIndexOf(' ');
                m.put(line.substring(0, sp), line.substring(sp + 1));
            }
        }
        return m;
    }

    @Test
    void escapesLabelValuesAndHelp() {
        assertEquals("a\\\\b\\\"c\\nd", MetricsText.escapeLabel("a\\b\"c\nd"));
        assertEquals("plain \u00e9", MetricsText.escapeLabel("plain \u00e9"));
        assertEquals("x\uFFFDy", MetricsText.escapeLabel("x\uD800y"), "an unpaired surrogate cannot be UTF-8");
        assertEquals("q\"\\\\\\n", MetricsText.escapeHelp("q\"\\\n"), "HELP keeps quotes, escapes \\ and newline");
        String text = render();
        assertTrue(text.contains("emperor_vassal_up{vassal=\"we\\\"ird\\\\na\\nme \u00e9\uD83D\uDE00.ini\"} 1\n"), text);
        assertFalse(text.contains("\r"));
    }

    @Test
    void numbersAreWrittenTheWayTheFormatReadsThem() {
        assertEquals("NaN", MetricsText.number(Double.NaN));
        assertEquals("+Inf", MetricsText.number(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", MetricsText.number(Double.NEGATIVE_INFINITY));
        assertEquals("42", MetricsText.number(42));
        assertEquals("-1", MetricsText.number(-1));
        assertEquals("1795803115", MetricsText.number(1795803115L));
        assertEquals("3.001", MetricsText.number(3.001));
        assertEquals(1.25e-4, Double.parseDouble(MetricsText.number(0.000125)));
    }

    @Test
    void everyFamilyHasHelpAndTypeOnceBeforeItsSamplesAndCountersEndInTotal() {
        String text = render();
        Pattern help = Pattern.compile("^# HELP (\\S+) .+$");
        Pattern type = Pattern.compile("^# TYPE (\\S+) (counter|gauge)$");
        Set<String> seen = new HashSet<>();
        String current = null;
        String currentType = null;
        List<String> lines = List.of(text.split("\n"));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher h = help.matcher(line);
            if (h.matches()) {
                current = h.group(1);
                assertTrue(seen.add(current), "family twice: " + current);
                assertTrue(current.startsWith("emperor_") || current.startsWith("process_"), current);
                Matcher t = type.matcher(lines.get(++i));
                assertTrue(t.matches() && t.group(1).equals(current), "TYPE after HELP: " + lines.get(i));
                currentType = t.group(2);
                assertEquals(currentType.equals("counter"), current.endsWith("_total"), current + " " + currentType);
                continue;
            }
            String name = line.substring(0, line.indexOf(line.contains("{") ? '{' : ' '));
            assertEquals(current, name, "sample outside its family group: " + line);
        }
        assertTrue(seen.containsAll(List.of("emperor_vassals", "emperor_spawns_total", "emperor_respawns_total",
                "emperor_reloads_total", "emperor_kills_total", "emperor_event_loop_lag_seconds",
                "emperor_event_loop_iteration_seconds", "emperor_snapshot_age_seconds", "emperor_open_fds",
                "emperor_vassal_up", "emperor_vassal_ready", "emperor_vassal_accepting", "emperor_vassal_loyal",
                "emperor_vassal_state", "emperor_vassal_pid", "emperor_vassal_respawns_total",
                "emperor_vassal_throttle_seconds", "emperor_vassal_heartbeat_age_seconds",
                "emperor_vassal_born_timestamp_seconds", "emperor_vassal_last_run_timestamp_seconds",
                "emperor_blacklist_entries", "emperor_blacklist_throttle_seconds", "emperor_blacklist_attempts",
                "emperor_blacklist_last_attempt_timestamp_seconds", "emperor_build_info", "emperor_vassal_starts_total",
                "emperor_vassal_deaths_total", "emperor_vassal_last_exit_code", "emperor_vassal_last_exit_signal",
                "emperor_vassal_last_exit_timestamp_seconds", "process_cpu_seconds_total", "process_resident_memory_bytes",
                "process_virtual_memory_bytes", "process_open_fds", "process_max_fds", "process_start_time_seconds")),
                seen.toString());
    }

    @Test
    void valuesComeFromTheSnapshotInBaseUnits() {
        Map<String, String> s = samples(render());
        assertEquals("2", s.get("emperor_vassals{state=\"running\"}"));
        assertEquals("1", s.get("emperor_vassals{state=\"suspended\"}"));
        assertEquals("1", s.get("emperor_vassals{state=\"throttled\"}"), "waiting vassals are counted");
        assertEquals("0", s.get("emperor_vassals{state=\"exiled\"}"), "every state has a series");
        assertEquals("9", s.get("emperor_spawns_total"));
        assertEquals("5", s.get("emperor_respawns_total"));
        assertEquals("3", s.get("emperor_reloads_total"));
        assertEquals("1", s.get("emperor_kills_total"));
        assertEquals("4.2E-5", s.get("emperor_event_loop_iteration_seconds"));
        assertEquals(1.25e-4, Double.parseDouble(s.get("emperor_event_loop_lag_seconds")));
        assertEquals("1.5", s.get("emperor_snapshot_age_seconds"));
        assertEquals("31", s.get("emperor_open_fds"));
        assertEquals("1", s.get("emperor_vassal_up{vassal=\"app1.ini\"}"));
        assertEquals("0", s.get("emperor_vassal_up{vassal=\"paused.ini\"}"));
        assertEquals("0", s.get("emperor_vassal_up{vassal=\"broken.ini\"}"), "waiting vassals have series too");
        assertEquals("1", s.get("emperor_vassal_state{vassal=\"paused.ini\",state=\"suspended\"}"));
        assertEquals("0", s.get("emperor_vassal_state{vassal=\"paused.ini\",state=\"running\"}"));
        assertEquals("4242", s.get("emperor_vassal_pid{vassal=\"app1.ini\"}"));
        assertEquals("0", s.get("emperor_vassal_pid{vassal=\"paused.ini\"}"), "no process: 0, not -1");
        assertEquals("3", s.get("emperor_vassal_respawns_total{vassal=\"app1.ini\"}"));
        assertEquals("3.001", s.get("emperor_vassal_throttle_seconds{vassal=\"broken.ini\"}"), "ms become seconds");
        assertEquals("10", s.get("emperor_vassal_heartbeat_age_seconds{vassal=\"app1.ini\"}"));
        assertEquals("NaN", s.get("emperor_vassal_heartbeat_age_seconds{vassal=\"paused.ini\"}"), "never sent one");
        assertEquals("1795803115", s.get("emperor_vassal_born_timestamp_seconds{vassal=\"app1.ini\"}"));
        assertEquals("1795803150", s.get("emperor_vassal_last_run_timestamp_seconds{vassal=\"app1.ini\"}"));
        assertEquals("1", s.get("emperor_blacklist_entries"));
        assertEquals("3.001", s.get("emperor_blacklist_throttle_seconds{vassal=\"broken.ini\"}"));
        assertEquals("4", s.get("emperor_blacklist_attempts{vassal=\"broken.ini\"}"));
        assertEquals("1795803190", s.get("emperor_blacklist_last_attempt_timestamp_seconds{vassal=\"broken.ini\"}"));
    }

    @Test
    void lastExitsCountersBuildInfoAndProcessReadings() throws Exception {
        VassalView base = view("crashy.ini", 4300, "running", 0, 0, 0);
        VassalView crashy = new VassalView(base.id(), base.pid(), base.born(), base.lastMod(), base.lastHeartbeat(),
                base.loyal(), base.ready(), base.accepting(), base.lastLoyal(), base.lastReady(), base.lastAccepting(),
                base.firstRun(), base.lastRun(), base.cursed(), base.zerg(), base.onDemand(), base.suspended(),
                base.adopted(), base.uid(), base.gid(), base.monitor(), base.attrs(), 0, base.state(), 0,
                new dev.emperor.core.VassalExits(7, 6, 4, 22, 0, 1_795_803_190_500L));
        VassalView killed = new VassalView("killed.ini", -1, 1, 1, 0, false, false, false, 0, 0, 0, 1, 1, 0, false, "",
                false, false, 0, 0, "/srv/v", Map.of(), 0, "throttled", 1000,
                new dev.emperor.core.VassalExits(1, 1, 0, -1, 9, 1_795_803_199_000L));
        EmperorSnapshot s = snapshot();
        EmperorSnapshot snap = new EmperorSnapshot(s.version(), s.pid(), 0, 0, "/", List.of(), false, 0,
                List.of(crashy, s.vassals().get(0)), s.blacklist(), s.takenAtMillis(), List.of(killed), s.loop());
        ProcessReadings p = new ProcessReadings(3.25, 2097152, 4096000, 17, 1024, 1795800123.45);
        String text = MetricsText.render(snap, new MetricsText.Readings(NOW_MS, 0.5, 17, p));
        Map<String, String> m = samples(text);
        assertEquals("7", m.get("emperor_vassal_starts_total{vassal=\"crashy.ini\"}"));
        assertEquals("6", m.get("emperor_vassal_deaths_total{vassal=\"crashy.ini\"}"));
        assertEquals("4", m.get("emperor_vassal_respawns_total{vassal=\"crashy.ini\"}"), "summed over crashes, not uWSGI's 0");
        assertEquals("22", m.get("emperor_vassal_last_exit_code{vassal=\"crashy.ini\"}"));
        assertEquals("0", m.get("emperor_vassal_last_exit_signal{vassal=\"crashy.ini\"}"));
        assertEquals(1795803190.5, Double.parseDouble(m.get("emperor_vassal_last_exit_timestamp_seconds{vassal=\"crashy.ini\"}")));
        assertEquals("-1", m.get("emperor_vassal_last_exit_code{vassal=\"killed.ini\"}"));
        assertEquals("9", m.get("emperor_vassal_last_exit_signal{vassal=\"killed.ini\"}"));
        assertEquals("NaN", m.get("emperor_vassal_last_exit_code{vassal=\"app1.ini\"}"), "never exited");
        assertEquals("NaN", m.get("emperor_vassal_last_exit_timestamp_seconds{vassal=\"app1.ini\"}"));
        assertEquals("1", m.get("emperor_build_info{version=\"" + dev.emperor.Version.VERSION + "\",java_version=\""
                + Runtime.version() + "\"}"), text);
        assertEquals("3.25", m.get("process_cpu_seconds_total"));
        assertEquals("2097152", m.get("process_resident_memory_bytes"));
        assertEquals("4096000", m.get("process_virtual_memory_bytes"));
        assertEquals("17", m.get("process_open_fds"));
        assertEquals("1024", m.get("process_max_fds"));
        assertEquals(1795800123.45, Double.parseDouble(m.get("process_start_time_seconds")));
        Promtool.Result r = Promtool.check(text);
        assertEquals(0, r.exitCode(), "promtool check metrics:\n" + r.output() + "\n---\n" + text);
        assertEquals("", r.output().strip(), "no lint problem");
    }

    @Test
    void emptyEmperorIsValidToo() throws Exception {
        EmperorSnapshot empty = new EmperorSnapshot("2.0.21", 1, 0, 0, "/", List.of(), false, 0, List.of(), List.of(), NOW_MS);
        String text = MetricsText.render(empty, new MetricsText.Readings(NOW_MS, Double.NaN, Double.NaN, ProcessReadings.UNKNOWN));
        assertTrue(text.contains("emperor_event_loop_lag_seconds NaN\n"));
        assertTrue(text.contains("emperor_spawns_total 0\n"));
        Promtool.Result r = Promtool.check(text);
        assertEquals(0, r.exitCode(), r.output() + "\n" + text);
    }

    @Test
    void prometheusOwnParserAcceptsItWithoutLintProblems() throws Exception {
        List<VassalView> many = new ArrayList<>(snapshot().vassals());
        for (String odd : List.of("a b.ini", "{}=,.ini", "tab\there.ini", "back\\slash\\.ini", "\"", "\\", "x\uD800.ini")) {
            many.add(view(odd, 10, "running", 0, 0, 0));
        }
        EmperorSnapshot s = snapshot();
        EmperorSnapshot snap = new EmperorSnapshot(s.version(), s.pid(), 0, 0, "/", List.of(), false, 0, many,
                s.blacklist(), s.takenAtMillis(), s.waiting(), s.loop());
        String text = MetricsText.render(snap, new MetricsText.Readings(NOW_MS, 0.5, 12, ProcessReadings.UNKNOWN));
        Promtool.Result r = Promtool.check(text);
        assertEquals(0, r.exitCode(), "promtool check metrics:\n" + r.output() + "\n---\n" + text);
    }
}
