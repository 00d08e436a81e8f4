package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code emperor ctl}, run from the jar as an operator would, against a real daemon with real uWSGI vassals:
 * the status table, each verb's effect, and the documented exit statuses (0 done, 1 usage/unreachable,
 * 2 refused, 3 unknown vassal, 4 control disabled), over TCP and a UNIX socket, without loading any native
 * code. Our daemon only.
 */
@Timeout(180)
class CtlIT {

    @BeforeEach
    void ours() {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "emperor ctl is this daemon's");
    }

    static StatsHttp.Run ctl(TempEmperor e, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--stats";
        all[args.length + 1] = "127.0.0.1:" + e.statsPort();
        return StatsHttp.ctl(all);
    }

    /** The status table's row of {@code name}, split on blanks. */
    static List<String> row(StatsHttp.Run status, String name) {
        for (String line : status.out().split("\n")) {
            if (line.startsWith(name + " ")) return List.of(line.trim().split(" +"));
        }
        throw new AssertionError("no row for " + name + " in\n" + status.out());
    }

    @Test
    void statusAndEveryVerbAgainstARealDaemon() throws Exception {
        int p1 = Ports.free();
        int p2 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("ctl").option("emperor-stats-control", "true")
                .option("emperor-curse-tolerance", "30").build()) {
            Vassals.python("app1", p1).writeTo(e);
            Vassals.python("app2", p2).writeTo(e);
            Vassals.exitsAtOnce("bad", Ports.free()).writeTo(e);
            e.start();
            long worker = e.awaitAnswer(p1, "app1", TempEmperor.SHORT).workerPid();
            e.awaitAnswer(p2, "app2", TempEmperor.SHORT);
            e.awaitStats(TempEmperor.SHORT, "bad.ini blacklisted", s -> s.blacklisted("bad.ini").map(b -> b.attempt() >= 2).orElse(false));
            Stats stats = e.stats();
            long pid1 = stats.vassal("app1.ini").orElseThrow().pid();
            long pid2 = stats.vassal("app2.ini").orElseThrow().pid();

            StatsHttp.Run status = ctl(e, "status");
            assertEquals(0, status.status(), status.toString());
            assertTrue(Pattern.compile("^NAME +STATE +PID +UPTIME +RESPAWNS +THROTTLE\n").matcher(status.out()).find(), status.out());
            assertEquals(List.of("app1.ini", "running", Long.toString(pid1)), row(status, "app1.ini").subList(0, 3));
            assertEquals("0", row(status, "app1.ini").get(4));
            assertEquals(List.of("app2.ini", "running", Long.toString(pid2)), row(status, "app2.ini").subList(0, 3));
            List<String> bad = row(status, "bad.ini");
            assertTrue(bad.get(1).equals("throttled") || bad.get(1).equals("running") || bad.get(1).equals("cursed"), status.out());
            assertEquals("", status.err());
            System.out.println("[CtlIT] emperor ctl status took " + status.millis() + " ms:\n" + status.out());

            StatsHttp.Run json = ctl(e, "status", "--json");
            assertEquals(0, json.status(), json.toString());
            Json.Obj doc = Json.parseObject(json.out());
            assertEquals(Boolean.TRUE, doc.get("control"));

            // restart: a reload (respawns 1, a new worker), the master stays
            StatsHttp.Run restart = ctl(e, "restart", "app1.ini");
            assertEquals(0, restart.status(), restart.toString());
            assertEquals("restart app1.ini: ok (now running, pid " + pid1 + ")\n", restart.out());
            e.awaitVassal("app1.ini", TempEmperor.SHORT, "reloaded", v -> v.respawns() == 1 && v.pid() == pid1);
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT, r -> r.workerPid() != worker, "from a new worker");

            // stop: gone and suspended; status says so
            StatsHttp.Run stop = ctl(e, "stop", "app2.ini");
            assertEquals(0, stop.status(), stop.toString());
            e.awaitVassal("app2.ini", TempEmperor.SHORT, "suspended", v -> v.num("suspended") == 1 && v.pid() == -1);
            e.await(TempEmperor.SHORT, "app2 no longer answers", () -> !Http.answers(p2, "app2"));
            assertEquals(List.of("app2.ini", "suspended", "-", "-"), row(ctl(e, "status"), "app2.ini").subList(0, 4));

            // start: back, with a new master
            StatsHttp.Run start = ctl(e, "start", "app2.ini");
            assertEquals(0, start.status(), start.toString());
            e.awaitAnswer(p2, "app2", TempEmperor.SHORT);
            assertNotEquals(pid2, e.awaitVassal("app2.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid());

            // reset-throttle: bad.ini's penalty starts over
            long attempt = e.stats().blacklisted("bad.ini").map(Stats.Blacklisted::attempt).orElse(0L);
            StatsHttp.Run reset = ctl(e, "reset-throttle", "bad.ini");
            assertEquals(0, reset.status(), reset.toString());
            e.awaitStats(TempEmperor.SHORT, "bad.ini's penalty started over",
                    s -> s.blacklisted("bad.ini").map(b -> b.attempt() < attempt).orElse(true));

            // reload-all
            StatsHttp.Run all = ctl(e, "reload-all");
            assertEquals(0, all.status(), all.toString());
            assertEquals("reload-all: ok\n", all.out());
            e.awaitVassal("app1.ini", TempEmperor.SHORT, "reloaded again and accepting", v -> v.respawns() == 2 && v.accepting());
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);

            // 3: unknown vassal
            StatsHttp.Run unknown = ctl(e, "restart", "nope.ini");
            assertEquals(3, unknown.status(), unknown.toString());
            assertEquals("emperor ctl: no vassal named nope.ini\n", unknown.err());

            // 2: refused, for a vassal still stopping (frozen, it cannot read its stop byte)
            long frozen = e.stats().vassal("app1.ini").orElseThrow().pid();
            TempEmperor.kill("STOP", frozen);
            try {
                assertEquals(0, ctl(e, "stop", "app1.ini").status());
                StatsHttp.Run refused = ctl(e, "stop", "app1.ini");
                assertEquals(2, refused.status(), refused.toString());
                assertEquals("emperor ctl: stop app1.ini refused: cannot stop a vassal that is stopping\n", refused.err());
                StatsHttp.Run refusedJson = ctl(e, "restart", "app1.ini", "--json");
                assertEquals(2, refusedJson.status(), refusedJson.toString());
                assertEquals("stopping", ((Json.Obj) Json.parseObject(refusedJson.out()).get("vassal")).str("state"));
            } finally {
                TempEmperor.kill("CONT", frozen);
            }
            e.awaitVassal("app1.ini", TempEmperor.SHORT, "suspended", v -> v.num("suspended") == 1);
            assertTrue(e.isRunning());
        }
    }

    @Test
    void exitStatusesWithoutControlWithoutDaemonAndForUsageErrors() throws Exception {
        try (TempEmperor e = TempEmperor.prepare("ctl-off").build()) {
            e.start();
            StatsHttp.Run disabled = ctl(e, "restart", "app1.ini");
            assertEquals(4, disabled.status(), disabled.toString());
            assertEquals("emperor ctl: HTTP control is disabled (emperor-stats-control)\n", disabled.err());
            assertEquals(0, ctl(e, "status").status(), "status is read-only: always allowed");
            // the address from the daemon's own ini file
            StatsHttp.Run viaIni = StatsHttp.ctl("status", "--ini", e.ini().toString());
            assertEquals(0, viaIni.status(), viaIni.toString());
            assertTrue(viaIni.out().startsWith("NAME "), viaIni.toString());
        }
        int closed;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            closed = s.getLocalPort();
        }
        StatsHttp.Run nobody = StatsHttp.ctl("status", "--stats", "127.0.0.1:" + closed);
        assertEquals(1, nobody.status(), nobody.toString());
        assertTrue(nobody.err().startsWith("emperor ctl: cannot talk to the Emperor at 127.0.0.1:" + closed), nobody.err());
        StatsHttp.Run usage = StatsHttp.ctl("restart");
        assertEquals(1, usage.status(), usage.toString());
        assertTrue(usage.err().contains("Missing required parameter: 'NAME'"), usage.toString());
        StatsHttp.Run help = StatsHttp.ctl("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("Exit status:"), help.out());
    }

    @Test
    void overAUnixSocketAndWithoutNatives() throws Exception {
        Path dir = Files.createTempDirectory("emperor-it-ctl-unix-");
        Path sock = dir.resolve("stats.sock");
        Files.createDirectories(dir.resolve("vassals"));
        Process daemon = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                StatsHttp.jar().toString(), "--emperor", dir.resolve("vassals").toString(), "--emperor-stats", sock.toString(),
                "--emperor-stats-control=true")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Poll.until(Duration.ofSeconds(30), "the stats socket " + sock, () -> {
                if (!daemon.isAlive()) throw new Poll.Abort("exited with " + daemon.exitValue());
                return Files.exists(sock);
            });
            StatsHttp.Run status = StatsHttp.ctl("status", "--stats", sock.toString());
            assertEquals(0, status.status(), status.toString());
            assertEquals("NAME  STATE  PID  UPTIME  RESPAWNS  THROTTLE\n", status.out(), "no vassals yet");
            StatsHttp.Run unknown = StatsHttp.ctl("start", "x.ini", "--stats", sock.toString());
            assertEquals(3, unknown.status(), unknown.toString());

            // ctl never loads the native layer (jnr, jffi) nor the daemon's machinery; the verifier of Main may load
            // the plain Native interface and an exception type, which load nothing native
            StatsHttp.Run traced = StatsHttp.java(List.of("-Xlog:class+load=info"), "ctl", "status", "--stats", sock.toString());
            assertEquals(0, traced.status(), traced.toString());
            assertTrue(traced.out().contains(" dev.emperor.cli.Ctl "), "class loading is traced");
            for (String cls : List.of(" jnr.", " com.kenai.jffi.", " dev.emperor.internal.JnrNative ",
                    " dev.emperor.internal.LibC ", " dev.emperor.daemon.Daemon ", " dev.emperor.core.EmperorLoop ",
                    " dev.emperor.stats.StatsServer ", " dev.emperor.spawn.")) {
                assertFalse(traced.out().contains(cls), cls.trim() + " loaded by emperor ctl");
            }
        } finally {
            daemon.destroy();
            if (!daemon.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) daemon.destroyForcibly();
            TempEmperor.deleteTree(dir);
        }
    }
}
