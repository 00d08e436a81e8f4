package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.testing.Promtool;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /metrics} of a real daemon governing real uWSGI vassals (one with a name that needs escaping, one
 * that keeps crashing into the blacklist) is accepted by Prometheus' own parser and linter ({@code promtool
 * check metrics}: exit 0, no problem reported), and its values follow what the vassals do: a SIGHUP counts
 * reloads, a SIGKILLed vassal master counts a respawn, and every vassal's last exit (code or signal, and when) shows
 * in /metrics, the stats document and /vassals while the per-vassal counters never drop. No response carries
 * {@code Access-Control-Allow-Origin}. Our daemon only.
 */
@Timeout(120)
class MetricsIT {

    static final String WEIRD = "we\"ird \\ name.ini";
    static final String WEIRD_LABEL = "we\\\"ird \\\\ name.ini";

    /** The java_version label the daemon reports (the jar runs on whatever JVM TempEmperor starts). */
    static String javaVersionOf(String metrics) {
        int i = metrics.indexOf("java_version=\"");
        return metrics.substring(i + "java_version=\"".length(), metrics.indexOf('"', i + "java_version=\"".length()));
    }

    @Test
    void scrapeOfARealDaemonPassesPromtoolAndTracksTheVassals() throws Exception {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "/metrics is not in uWSGI");
        Promtool.require(); // in CI a missing promtool fails here instead of skipping
        int p1 = Ports.free();
        int p2 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("metrics").build()) {
            Vassals.python("app1", p1).writeTo(e);
            Vassals.python("weird", p2).fileName(WEIRD).writeTo(e);
            Vassals.exitsAtOnce("bad", Ports.free()).writeTo(e);
            e.start();
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
            e.awaitAnswer(p2, "weird", TempEmperor.SHORT);
            e.awaitStats(TempEmperor.SHORT, "bad.ini blacklisted", s -> s.blacklisted("bad.ini").isPresent());
            long app1Pid = e.stats().vassal("app1.ini").orElseThrow().pid();

            StatsHttp.get(e.statsPort(), "/metrics"); // the first scrape posts the first loop-lag probe
            Http.Response r = StatsHttp.get(e.statsPort(), "/metrics");
            assertEquals(200, r.status());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r.header("content-type"));
            Promtool.Result check = Promtool.check(r.body());
            assertEquals(0, check.exitCode(), "promtool check metrics:\n" + check.output() + "\n---\n" + r.body());
            assertEquals("", check.output().strip(), "no lint problem");

            Map<String, String> m = StatsHttp.samples(r.body());
            assertEquals(1, StatsHttp.value(m, "emperor_vassal_up{vassal=\"app1.ini\"}"));
            assertEquals(1, StatsHttp.value(m, "emperor_vassal_up{vassal=\"" + WEIRD_LABEL + "\"}"), r.body());
            assertEquals(app1Pid, (long) StatsHttp.value(m, "emperor_vassal_pid{vassal=\"app1.ini\"}"));
            assertEquals(1, StatsHttp.value(m, "emperor_vassal_ready{vassal=\"app1.ini\"}"));
            assertEquals(1, StatsHttp.value(m, "emperor_vassal_accepting{vassal=\"app1.ini\"}"));
            assertTrue(StatsHttp.value(m, "emperor_blacklist_attempts{vassal=\"bad.ini\"}") >= 1);
            assertTrue(StatsHttp.value(m, "emperor_blacklist_throttle_seconds{vassal=\"bad.ini\"}") > 0);
            assertTrue(StatsHttp.value(m, "emperor_vassals{state=\"running\"}") >= 2, "app1 and weird (bad.ini may be between two crashes)");
            assertEquals(1, StatsHttp.value(m, "emperor_vassal_state{vassal=\"app1.ini\",state=\"running\"}"));
            assertTrue(StatsHttp.value(m, "emperor_spawns_total") >= 3, "app1, weird, bad at least once");
            assertTrue(StatsHttp.value(m, "emperor_open_fds") > 3);
            double lag = StatsHttp.value(m, "emperor_event_loop_lag_seconds");
            assertTrue(lag >= 0 && lag < 1, "an idle loop runs a probe at once: " + lag);
            assertTrue(StatsHttp.value(m, "emperor_event_loop_iteration_seconds") < 1);
            assertTrue(StatsHttp.value(m, "emperor_vassal_born_timestamp_seconds{vassal=\"app1.ini\"}") > 1.6e9);
            assertTrue(Double.isNaN(StatsHttp.value(m, "emperor_vassal_heartbeat_age_seconds{vassal=\"app1.ini\"}")),
                    "python vassals without a heartbeat option send none");

            // the crash loop's exit code is visible everywhere, not only in the log
            assertEquals(22, StatsHttp.value(m, "emperor_vassal_last_exit_code{vassal=\"bad.ini\"}"), "need-app failure");
            assertEquals(0, StatsHttp.value(m, "emperor_vassal_last_exit_signal{vassal=\"bad.ini\"}"));
            double badExit = StatsHttp.value(m, "emperor_vassal_last_exit_timestamp_seconds{vassal=\"bad.ini\"}");
            assertTrue(badExit > 1.6e9 && badExit <= System.currentTimeMillis() / 1000.0 + 1, "wall time: " + badExit);
            assertTrue(StatsHttp.value(m, "emperor_vassal_deaths_total{vassal=\"bad.ini\"}") >= 1);
            assertTrue(Double.isNaN(StatsHttp.value(m, "emperor_vassal_last_exit_code{vassal=\"app1.ini\"}")), "never exited");
            assertEquals(1, StatsHttp.value(m, "emperor_build_info{version=\"" + dev.emperor.Version.VERSION
                    + "\",java_version=\"" + javaVersionOf(r.body()) + "\"}"));
            assertTrue(StatsHttp.value(m, "process_cpu_seconds_total") > 0);
            assertTrue(StatsHttp.value(m, "process_resident_memory_bytes") > 1e6);
            assertTrue(StatsHttp.value(m, "process_virtual_memory_bytes") >= StatsHttp.value(m, "process_resident_memory_bytes"));
            assertTrue(StatsHttp.value(m, "process_open_fds") > 3);
            assertTrue(StatsHttp.value(m, "process_max_fds") >= StatsHttp.value(m, "process_open_fds"));
            double started = StatsHttp.value(m, "process_start_time_seconds");
            assertTrue(started > 1.6e9 && started <= System.currentTimeMillis() / 1000.0 + 1, "start time " + started);
            for (String path : new String[] {"/", "/stats", "/metrics", "/vassals", "/ui"}) {
                Http.Response any = StatsHttp.get(e.statsPort(), path);
                assertEquals(200, any.status(), path);
                assertEquals(null, any.header("access-control-allow-origin"), path + ": no cross-origin reads: " + any.headers());
            }

            // SIGHUP: one reload per running vassal
            double reloads = StatsHttp.value(m, "emperor_reloads_total");
            e.signal("HUP");
            e.await(TempEmperor.SHORT, "reloads_total counts the SIGHUP reloads", () -> StatsHttp.value(
                    StatsHttp.samples(StatsHttp.get(e.statsPort(), "/metrics").body()), "emperor_reloads_total") >= reloads + 2);

            // a SIGKILLed vassal master is respawned: spawns and respawns go up, the new pid shows
            Map<String, String> before = StatsHttp.samples(StatsHttp.get(e.statsPort(), "/metrics").body());
            TempEmperor.kill("KILL", app1Pid);
            e.await(TempEmperor.SHORT, "app1 respawned with a new pid", () -> {
                Map<String, String> now = StatsHttp.samples(StatsHttp.get(e.statsPort(), "/metrics").body());
                double pid = StatsHttp.value(now, "emperor_vassal_pid{vassal=\"app1.ini\"}");
                return pid > 0 && pid != app1Pid
                        && StatsHttp.value(now, "emperor_respawns_total") > StatsHttp.value(before, "emperor_respawns_total")
                        && StatsHttp.value(now, "emperor_spawns_total") > StatsHttp.value(before, "emperor_spawns_total");
            });
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
            Map<String, String> after = StatsHttp.samples(StatsHttp.get(e.statsPort(), "/metrics").body());
            assertEquals(9, StatsHttp.value(after, "emperor_vassal_last_exit_signal{vassal=\"app1.ini\"}"), "SIGKILLed");
            assertEquals(-1, StatsHttp.value(after, "emperor_vassal_last_exit_code{vassal=\"app1.ini\"}"));
            for (String counter : new String[] {"emperor_vassal_respawns_total", "emperor_vassal_starts_total"}) {
                String key = counter + "{vassal=\"app1.ini\"}";
                assertTrue(StatsHttp.value(after, key) >= StatsHttp.value(before, key) + (counter.contains("starts") ? 1 : 0),
                        key + " never drops: " + StatsHttp.value(before, key) + " -> " + StatsHttp.value(after, key));
            }
            assertTrue(StatsHttp.value(before, "emperor_vassal_respawns_total{vassal=\"app1.ini\"}") >= 1, "the SIGHUP reload");
            assertEquals(1, StatsHttp.value(after, "emperor_vassal_deaths_total{vassal=\"app1.ini\"}"));
            Stats.Vassal app1 = e.stats().vassal("app1.ini").orElseThrow();
            assertEquals(0, app1.respawns(), "uWSGI's respawns: a crash makes a fresh record");
            assertEquals(9, app1.num("last_exit_signal"));
            assertEquals(-1, app1.num("last_exit_code"));
            assertTrue(app1.num("last_exit") > 1_600_000_000L);
            String listed = StatsHttp.get(e.statsPort(), "/vassals").body();
            assertTrue(listed.contains("\"last_exit_code\":22,\"last_exit_signal\":0,\"last_exit\":"), listed);
            Promtool.Result again = Promtool.check(StatsHttp.get(e.statsPort(), "/metrics").body());
            assertEquals(0, again.exitCode(), again.output());
        }
    }
}
