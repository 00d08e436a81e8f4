package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP control of real uWSGI vassals ({@code emperor-stats-control = true}): the {@code curl} program against
 * {@code /}, {@code /metrics} and a control endpoint; every verb's effect on the vassal processes; a 409 for a
 * verb the vassal's state refuses; control off by default (403, read-only endpoints still on); and the daemon
 * refusing to start with control on a non-loopback address. Our daemon only.
 */
@Timeout(120)
class HttpControlIT {

    @BeforeEach
    void ours() {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "HTTP control is not in uWSGI");
    }

    @Test
    void curlGetsStatsMetricsAndRestartsAVassal() throws Exception {
        int p1 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("http-control-curl").option("emperor-stats-control", "true").build()) {
            Vassals.python("app1", p1).writeTo(e);
            e.start();
            long worker = e.awaitAnswer(p1, "app1", TempEmperor.SHORT).workerPid();
            Stats raw = e.awaitStats(TempEmperor.SHORT, "app1 listed", s -> s.vassal("app1.ini").isPresent());
            String base = "http://127.0.0.1:" + e.statsPort();

            StatsHttp.Run root = StatsHttp.curl("-sS", "-w", "\n%{http_code} %{content_type}", base + "/");
            assertEquals(0, root.status(), root.toString());
            String json = root.out().substring(0, root.out().lastIndexOf('\n'));
            assertTrue(root.out().endsWith("\n200 application/json"), root.toString());
            Stats viaCurl = Stats.parse(json);
            assertEquals(raw.topKeys(), viaCurl.topKeys(), "uWSGI's document, unchanged");
            assertEquals(raw.vassal("app1.ini").orElseThrow().obj().keys(), viaCurl.vassal("app1.ini").orElseThrow().obj().keys());

            StatsHttp.Run metrics = StatsHttp.curl("-sS", "-w", "\n%{http_code} %{content_type}", base + "/metrics");
            assertEquals(0, metrics.status(), metrics.toString());
            assertTrue(metrics.out().endsWith("\n200 text/plain; version=0.0.4; charset=utf-8"), metrics.toString());
            assertTrue(metrics.out().contains("\nemperor_vassal_up{vassal=\"app1.ini\"} 1\n"), metrics.out());

            StatsHttp.Run restart = StatsHttp.curl("-sS", "-X", "POST", "-w", "\n%{http_code}", base + "/vassals/app1.ini/restart");
            assertEquals(0, restart.status(), restart.toString());
            assertTrue(restart.out().startsWith("{\"ok\":true,\"message\":\"ok\",\"vassal\":{\"id\":\"app1.ini\""), restart.out());
            assertTrue(restart.out().contains("\"respawns\":1,\"last_exit_code\":-1,\"last_exit_signal\":0,\"last_exit\":0,\"state\":\"running\""), restart.out());
            assertTrue(restart.out().endsWith("\n200"), restart.out());
            e.awaitVassal("app1.ini", TempEmperor.SHORT, "reloaded", v -> v.respawns() == 1 && v.accepting());
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT, r -> r.workerPid() != worker, "from a new worker");

            StatsHttp.Run getOnPost = StatsHttp.curl("-sS", "-w", "%{http_code}", base + "/vassals/app1.ini/restart");
            assertEquals("use POST for /vassals/NAME/restart\n405", getOnPost.out());
        }
    }

    @Test
    void everyVerbActsOnTheRealVassal() throws Exception {
        int p1 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("http-control-verbs").option("emperor-stats-control", "true")
                .option("emperor-curse-tolerance", "30").build()) {
            Vassals.python("app1", p1).writeTo(e);
            Vassals.exitsAtOnce("bad", Ports.free()).writeTo(e);
            e.start();
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
            long pid = e.awaitVassal("app1.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();
            int port = e.statsPort();

            Http.Response one = StatsHttp.get(port, "/vassals/app1.ini");
            assertEquals(200, one.status());
            Json.Obj v = Json.parseObject(one.body());
            List<String> uwsgiKeys = e.stats().vassal("app1.ini").orElseThrow().obj().keys();
            assertEquals(uwsgiKeys, v.keys().subList(0, uwsgiKeys.size()), "uWSGI's keys first, in uWSGI's order");
            assertEquals(List.of("state", "throttle_ms", "starts", "deaths"), v.keys().subList(uwsgiKeys.size(), v.keys().size()));
            assertEquals("running", v.str("state"));
            assertEquals(pid, v.num("pid"));

            // stop: the process goes away and stays away; the vassal is listed as suspended
            Http.Response stop = StatsHttp.post(port, "/vassals/app1.ini/stop");
            assertEquals(200, stop.status(), stop.body());
            e.awaitVassal("app1.ini", TempEmperor.SHORT, "suspended", s -> s.num("suspended") == 1 && s.pid() == -1);
            e.await(TempEmperor.SHORT, "app1's master gone", () -> !ProcTree.running(pid));
            assertFalse(Http.answers(p1, "app1"));
            e.holds(Duration.ofSeconds(2), "a stopped vassal stays stopped (rescans every second)",
                    () -> e.stats().vassal("app1.ini").orElseThrow().pid() == -1);

            // start: a new process answers again
            Http.Response start = StatsHttp.post(port, "/vassals/app1.ini/start");
            assertEquals(200, start.status(), start.body());
            assertTrue(start.body().contains("\"state\":\"running\""), start.body());
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
            long pid2 = e.awaitVassal("app1.ini", TempEmperor.SHORT, "running again", s -> s.pid() > 0 && s.accepting()).pid();
            assertNotEquals(pid, pid2);

            // 409: a vassal that is still stopping (frozen with SIGSTOP, it cannot read its stop byte)
            TempEmperor.kill("STOP", pid2);
            try {
                assertEquals(200, StatsHttp.post(port, "/vassals/app1.ini/stop").status());
                Http.Response again = StatsHttp.post(port, "/vassals/app1.ini/stop");
                assertEquals(409, again.status(), again.body());
                assertTrue(again.body().startsWith("{\"ok\":false,\"message\":\"cannot stop a vassal that is stopping\","),
                        again.body());
                Http.Response restart = StatsHttp.post(port, "/vassals/app1.ini/restart");
                assertEquals(409, restart.status(), restart.body());
                assertEquals("stopping", Json.parseObject(StatsHttp.get(port, "/vassals/app1.ini").body()).str("state"));
            } finally {
                TempEmperor.kill("CONT", pid2);
            }
            e.awaitVassal("app1.ini", TempEmperor.SHORT, "suspended after its stop", s -> s.num("suspended") == 1);

            // restart of a stopped vassal starts it
            assertEquals(200, StatsHttp.post(port, "/vassals/app1.ini/restart").status());
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);

            // reset-throttle: bad.ini's penalty starts over (it fails again at once, as attempt 1)
            Stats.Blacklisted b = e.awaitStats(Duration.ofSeconds(20), "bad.ini at attempt >= 2",
                    s -> s.blacklisted("bad.ini").map(x -> x.attempt() >= 2).orElse(false)).blacklisted("bad.ini").orElseThrow();
            Json.Obj waiting = Json.parseObject(StatsHttp.get(port, "/vassals/bad.ini").body());
            assertTrue(waiting.num("throttle_ms") > 0, "a throttled vassal (not in uWSGI's list) is found: " + waiting);
            Http.Response reset = StatsHttp.post(port, "/vassals/bad.ini/reset-throttle");
            assertEquals(200, reset.status(), reset.body());
            e.awaitStats(TempEmperor.SHORT, "bad.ini's penalty started over",
                    s -> s.blacklisted("bad.ini").map(x -> x.attempt() < b.attempt()).orElse(true));

            // reload-all: SIGHUP semantics
            long respawns = e.stats().vassal("app1.ini").orElseThrow().respawns();
            Http.Response all = StatsHttp.post(port, "/reload-all");
            assertEquals(200, all.status());
            assertEquals("{\"ok\":true}", all.body());
            e.awaitVassal("app1.ini", TempEmperor.SHORT, "reloaded", s -> s.respawns() == respawns + 1);

            Http.Response unknown = StatsHttp.post(port, "/vassals/nope.ini/restart");
            assertEquals(404, unknown.status());
            assertEquals("{\"ok\":false,\"message\":\"no vassal named nope.ini\",\"vassal\":null}", unknown.body());
            assertTrue(e.isRunning());
        }
    }

    @Test
    void controlIsOffByDefaultAndReadOnlyEndpointsStayOn() throws Exception {
        int p1 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("http-control-off").build()) {
            Vassals.python("app1", p1).writeTo(e);
            e.start();
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
            long pid = e.awaitVassal("app1.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();
            for (String path : List.of("/vassals/app1.ini/stop", "/vassals/app1.ini/restart", "/reload-all")) {
                Http.Response r = StatsHttp.post(e.statsPort(), path);
                assertEquals(403, r.status(), path);
                assertEquals("HTTP control is disabled (emperor-stats-control)\n", r.body());
            }
            assertEquals(200, StatsHttp.get(e.statsPort(), "/vassals/app1.ini").status());
            assertEquals(200, StatsHttp.get(e.statsPort(), "/metrics").status());
            assertTrue(StatsHttp.get(e.statsPort(), "/vassals").body().startsWith("{\"control\":false,"));
            assertEquals(pid, e.stats().vassal("app1.ini").orElseThrow().pid(), "nothing happened to the vassal");
            assertEquals(0, e.stats().vassal("app1.ini").orElseThrow().respawns());
        }
    }

    @Test
    void controlOnAPublicAddressIsRefusedBeforeAnythingIsBound() throws Exception {
        Path dir = Files.createTempDirectory("emperor-it-control-refused-");
        try {
            int port = Ports.free();
            StatsHttp.Run r = StatsHttp.java(List.of(), "--emperor", dir.toString(), "--emperor-stats", "0.0.0.0:" + port,
                    "--emperor-stats-control=true");
            assertEquals(1, r.status(), r.toString());
            assertTrue(r.err().contains("emperor-stats-control is enabled but the stats address 0.0.0.0:" + port
                    + " is not a loopback address or a UNIX socket"), r.toString());
            assertTrue(r.err().contains("emperor-stats-control-any-address"), r.toString());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                throw new AssertionError("something listens on " + port);
            } catch (ConnectException expected) {
                // nothing was bound
            }
            // a UNIX socket counts as local: the same daemon starts and answers control requests there
            Path sock = dir.resolve("stats.sock");
            Files.createDirectories(dir.resolve("vassals"));
            Process local = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    StatsHttp.jar().toString(), "--emperor", dir.resolve("vassals").toString(), "--emperor-stats",
                    sock.toString(), "--emperor-stats-control=true")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                Poll.until(Duration.ofSeconds(30), "the stats socket " + sock, () -> {
                    if (!local.isAlive()) throw new Poll.Abort("exited with " + local.exitValue());
                    return Files.exists(sock);
                });
                StatsHttp.Run ctl = StatsHttp.ctl("reload-all", "--stats", sock.toString());
                assertEquals(0, ctl.status(), ctl.toString());
            } finally {
                local.destroy(); // SIGTERM: no vassals, so it exits at once
                if (!local.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) local.destroyForcibly();
            }
            assertEquals(0, local.exitValue());
        } finally {
            TempEmperor.deleteTree(dir);
        }
    }
}
