package dev.emperor.cli;

import dev.emperor.core.EmperorLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.core.Control;
import dev.emperor.core.EmperorSnapshot;
import dev.emperor.core.VassalView;
import dev.emperor.stats.ControlRoutes;
import dev.emperor.control.EmperorCommands;
import dev.emperor.stats.StatsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code emperor ctl} against a real stats server whose control routes answer from a fake controller. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CtlTest {

    static final long NOW = System.currentTimeMillis() / 1000;

    static VassalView view(String id, int pid, String state, long lastRun, long respawns, long throttleMs) {
        return new VassalView(id, pid, NOW - 500, NOW - 500, 0, false, pid > 0, pid > 0, 0, 0, 0, lastRun, lastRun, 0,
                false, "", state.equals("suspended"), false, 0, 0, "/v", Map.of(), respawns, state, throttleMs);
    }

    static final EmperorSnapshot SNAP = new EmperorSnapshot("2.0.21", 1, 0, 0, "/", List.of("/v"), false, 0,
            List.of(view("app1.ini", 4242, "running", NOW - 3725, 2, 0), view("paused.ini", -1, "suspended", NOW - 10, 0, 0)),
            List.of(), NOW * 1000, List.of(view("broken.ini", -1, "throttled", NOW - 3, 0, 3001)));

    /** Answers by vassal name: app1 ok, paused refuses, others unknown. */
    final List<String> calls = new ArrayList<>();
    final EmperorCommands controller = new EmperorCommands() {
        @Override
        public CompletableFuture<Control.Result> control(String name, Control.Action action) {
            calls.add(action.verb() + " " + name);
            return CompletableFuture.completedFuture(switch (name) {
                case "app1.ini", "a b%é.ini" -> new Control.Result(true, false, "ok", SNAP.vassals().get(0));
                case "paused.ini" -> new Control.Result(false, false, "cannot restart a vassal that is stopping",
                        SNAP.vassals().get(1));
                default -> new Control.Result(false, true, "no vassal named " + name, null);
            });
        }

        @Override
        public void reloadAll() {
            calls.add("reload-all");
        }

        @Override
        public void logMessage(String msg) {
            throw new AssertionError("HTTP control has no log command");
        }
    };

    StatsServer on;
    StatsServer off;

    @BeforeEach
    void start() throws IOException {
        on = server("127.0.0.1:0", controller);
        off = server("127.0.0.1:0", null);
    }

    @AfterEach
    void stop() {
        on.close();
        off.close();
    }

    static StatsServer server(String address, EmperorCommands c) throws IOException {
        StatsServer s = new StatsServer(address, 100, null, Duration.ofSeconds(5), () -> SNAP, false,
                Duration.ofMillis(200), 64, EmperorLog.standard());
        ControlRoutes.install(s.router(), () -> SNAP, c, false);
        s.start();
        return s;
    }

    record Run(int status, String out, String err) {
    }

    static Run ctl(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 1];
        all[0] = "ctl";
        System.arraycopy(args, 0, all, 1, args.length);
        int status = Main.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    String addr(StatsServer s) {
        return "127.0.0.1:" + s.port();
    }

    @Test
    void statusIsATableOfEveryVassal() {
        Run r = ctl("status", "--stats", addr(on));
        assertEquals(0, r.status(), r.err());
        List<String> lines = List.of(r.out().split("\n"));
        assertEquals(4, lines.size(), r.out());
        assertTrue(lines.get(0).matches("NAME +STATE +PID +UPTIME +RESPAWNS +THROTTLE"), lines.get(0));
        assertTrue(lines.get(1).matches("app1\\.ini +running +4242 +1h0[12]m +2 +-"), lines.get(1));
        assertTrue(lines.get(2).matches("paused\\.ini +suspended +- +- +0 +-"), lines.get(2));
        assertTrue(lines.get(3).matches("broken\\.ini +throttled +- +- +0 +3\\.0s"), lines.get(3));
        assertEquals(lines.get(0).indexOf("STATE"), lines.get(1).indexOf("running"), "columns line up");
        assertEquals("", r.err());
    }

    @Test
    void statusJsonIsTheDaemonsAnswer() {
        Run r = ctl("--json", "status", "--stats", addr(on));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("{\"control\":true,\"vassals\":[{\"id\":\"app1.ini\""), r.out());
    }

    @Test
    void actionsAndTheirExitStatuses() {
        Run ok = ctl("restart", "app1.ini", "--stats", addr(on));
        assertEquals(Ctl.OK, ok.status(), ok.err());
        assertEquals("restart app1.ini: ok (now running, pid 4242)\n", ok.out());

        Run refused = ctl("restart", "paused.ini", "--stats", addr(on));
        assertEquals(Ctl.REFUSED, refused.status());
        assertEquals("emperor ctl: restart paused.ini refused: cannot restart a vassal that is stopping\n", refused.err());

        Run unknown = ctl("stop", "nope.ini", "--stats", addr(on));
        assertEquals(Ctl.UNKNOWN_VASSAL, unknown.status());
        assertEquals("emperor ctl: no vassal named nope.ini\n", unknown.err());

        Run disabled = ctl("start", "app1.ini", "--stats", addr(off));
        assertEquals(Ctl.CONTROL_DISABLED, disabled.status());
        assertEquals("emperor ctl: " + ControlRoutes.DISABLED + "\n", disabled.err());

        Run json = ctl("reset-throttle", "a b%é.ini", "--json", "--stats", addr(on));
        assertEquals(Ctl.OK, json.status(), json.err());
        assertTrue(json.out().startsWith("{\"ok\":true,\"message\":\"ok\",\"vassal\":{"), json.out());

        Run refusedJson = ctl("restart", "paused.ini", "--json", "--stats", addr(on));
        assertEquals(Ctl.REFUSED, refusedJson.status());
        assertTrue(refusedJson.out().startsWith("{\"ok\":false,"), refusedJson.out());

        Run all = ctl("reload-all", "--stats", addr(on));
        assertEquals(Ctl.OK, all.status(), all.err());
        assertEquals("reload-all: ok\n", all.out());
        assertEquals(List.of("restart app1.ini", "restart paused.ini", "stop nope.ini", "reset-throttle a b%é.ini",
                "restart paused.ini", "reload-all"), calls, "names travel percent-encoded and arrive intact");
    }

    @Test
    void unreachableDaemonAndUsageErrorsExitWithOne() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            closed = s.getLocalPort();
        }
        Run refused = ctl("status", "--stats", "127.0.0.1:" + closed);
        assertEquals(Ctl.ERROR, refused.status());
        assertTrue(refused.err().startsWith("emperor ctl: cannot talk to the Emperor at 127.0.0.1:" + closed + ": "), refused.err());

        Run silent;
        try (ServerSocket s = new ServerSocket()) { // accepts (backlog) but never answers
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            silent = ctl("status", "--timeout", "0.3", "--stats", "127.0.0.1:" + s.getLocalPort());
        }
        assertEquals(Ctl.ERROR, silent.status());
        assertTrue(silent.err().contains("timed out"), silent.err());

        for (String[] bad : List.of(new String[] {}, new String[] {"bogus"}, new String[] {"restart"},
                new String[] {"restart", "a", "b"}, new String[] {"status", "--nope"}, new String[] {"status", "--stats"})) {
            Run r = ctl(bad);
            assertEquals(Ctl.ERROR, r.status(), Arrays.toString(bad) + ": " + r.out() + r.err());
            assertTrue(r.err().startsWith("emperor"), r.err());
        }
        Run help = ctl("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("Exit status:") && help.out().contains("reset-throttle"), help.out());
        assertEquals(0, ctl("restart", "--help").status());
    }

    @Test
    void unixSocketStatsAddressAndIniFile(@TempDir Path dir) throws IOException {
        Path sock = dir.resolve("stats.sock");
        StatsServer unix = server(sock.toString(), controller);
        try {
            Run r = ctl("status", "--stats", sock.toString());
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains("broken.ini"), r.out());
            Path ini = dir.resolve("emperor.ini");
            Files.writeString(ini, "[uwsgi]\nemperor = " + dir + "\nemperor-stats = " + sock + "\n");
            Run viaIni = ctl("restart", "app1.ini", "--ini", ini.toString());
            assertEquals(0, viaIni.status(), viaIni.err());
            assertEquals("", viaIni.err(), "no config log noise");
            // daemon options before 'ctl' name the stats address too
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = Main.run(new String[] {"--ini", ini.toString(), "ctl", "status"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
            assertEquals(0, status);
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("app1.ini"));
            Files.writeString(ini, "[uwsgi]\nemperor = " + dir + "\n");
            Run noStats = ctl("status", "--ini", ini.toString());
            assertEquals(Ctl.ERROR, noStats.status());
            assertTrue(noStats.err().contains("no emperor-stats address"), noStats.err());
        } finally {
            unix.close();
        }
    }

    @Test
    void formatting() {
        assertEquals("0s", StatusTable.duration(0));
        assertEquals("59s", StatusTable.duration(59));
        assertEquals("1m00s", StatusTable.duration(60));
        assertEquals("1h02m", StatusTable.duration(3725));
        assertEquals("2d04h", StatusTable.duration(2 * 86400 + 4 * 3600 + 5));
        assertEquals("-", StatusTable.throttle(0));
        assertEquals("1ms", StatusTable.throttle(1));
        assertEquals("3s", StatusTable.throttle(3000));
        assertEquals("3.0s", StatusTable.throttle(3001));
        assertEquals("3m00s", StatusTable.throttle(180_000));
        assertEquals("a%20b%25%C3%A9.ini", CtlClient.segment("a b%é.ini"));
        assertEquals(Ctl.OK, Ctl.exitCode(200));
        assertEquals(Ctl.REFUSED, Ctl.exitCode(409));
        assertEquals(Ctl.UNKNOWN_VASSAL, Ctl.exitCode(404));
        assertEquals(Ctl.CONTROL_DISABLED, Ctl.exitCode(403));
        assertEquals(Ctl.ERROR, Ctl.exitCode(503));
    }
}
