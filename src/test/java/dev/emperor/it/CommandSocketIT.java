package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.UnixDatagramSocket;
import dev.emperor.protocol.UwsgiPacket;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real datagrams on {@code emperor-command-socket} (UDP {@code host:port} and a UNIX datagram path) drive real
 * uWSGI vassals, as uWSGI master's {@code emperor_manage_command} does (spec/emperor-protocol.md §1e): with
 * {@code emperor-wait-for-command} a new vassal is listed suspended with no process until {@code spawn};
 * {@code respawn} reloads it (byte 1: same master, respawns 1); {@code stop} stops it and, as in master
 * ({@code emperor_stop}, then {@code emperor_del} on its death), the record goes away and the next scan re-adds
 * the file, suspended again; {@code log} writes to the Emperor log; a vassal named in
 * {@code emperor-wait-for-command-ignore} starts at once. The command socket is 2.1-only: the 2.0.21 binary
 * ignores these options in an ini, so this runs against our daemon only.
 */
@Timeout(120)
class CommandSocketIT {

    private interface Sender {
        void send(byte[] datagram) throws IOException;
    }

    /** A command datagram: uwsgi header [0, size, size >> 8, 0] + uwsgi vars. */
    private static byte[] datagram(String... kv) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) vars.put(kv[i], kv[i + 1]);
        return UwsgiPacket.packet(0, 0, UwsgiPacket.encodeVars(vars));
    }

    private static Sender udp(int port) {
        return b -> {
            try (DatagramSocket s = new DatagramSocket()) {
                s.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
            }
        };
    }

    private static Sender unix(Path path) {
        return b -> UnixDatagramSocket.sendTo(path.toString(), b);
    }

    private static boolean suspended(Stats.Vassal v) {
        return v.num("suspended") == 1 && v.pid() == -1;
    }

    private static boolean noProcessFor(TempEmperor e, String file) {
        return ProcTree.descendants(e.pid()).stream().noneMatch(p -> ProcTree.cmdline(p.pid()).contains(file));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"udp", "unix"})
    void commandsDriveRealVassals(String transport) throws Exception {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS,
                "emperor-command-socket is 2.1-only: uWSGI 2.0.21 ignores it in an ini");
        int p1 = Ports.free();
        int p2 = Ports.free();
        int udpPort = Ports.free();
        Path root = Files.createTempDirectory("emperor-it-cmd-" + transport + "-");
        Path sock = root.resolve("cmd.sock");
        String address = transport.equals("udp") ? "127.0.0.1:" + udpPort : sock.toString();
        Sender send = transport.equals("udp") ? udp(udpPort) : unix(sock);
        try (TempEmperor e = TempEmperor.prepare("command-socket-" + transport).root(root, true)
                .option("emperor-command-socket", address)
                .option("emperor-wait-for-command", "true")
                .add("emperor-wait-for-command-ignore", "app2.ini")
                .build()) {
            Vassals.python("app1", p1).writeTo(e);
            Vassals.python("app2", p2).writeTo(e);
            e.start();

            // startup line with a real socket fd of the daemon
            Matcher m = Pattern.compile("\\*\\*\\* Emperor command socket enabled on " + Pattern.quote(address)
                    + " fd: (\\d+) \\*\\*\\*").matcher(e.awaitLog(Pattern.quote("command socket enabled"), TempEmperor.SHORT));
            assertTrue(m.find(), "startup line");
            assertTrue(Files.readSymbolicLink(Path.of("/proc", Long.toString(e.pid()), "fd", m.group(1)))
                    .toString().startsWith("socket:["), "fd " + m.group(1) + " is a socket of the daemon");

            // the ignored vassal starts at once; app1 waits, listed suspended with pid -1 and no process
            e.awaitAnswer(p2, "app2", TempEmperor.SHORT);
            long pid2 = e.awaitVassal("app2.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();
            e.awaitLog("\\[uwsgi-emperor\\] app1\\.ini -> \"wait-for-command\" instance detected, waiting for the spawn command \\.\\.\\.",
                    TempEmperor.SHORT);
            e.awaitVassal("app1.ini", TempEmperor.SHORT, "suspended, pid -1", CommandSocketIT::suspended);
            e.holds(Duration.ofMillis(1500), "app1 stays suspended with no process across a scan", () ->
                    suspended(e.stats().vassal("app1.ini").orElseThrow()) && noProcessFor(e, "app1.ini")
                            && Http.tryGet(p1).isEmpty());

            // garbage first: a short datagram, an unknown vassal, a missing name; the daemon shrugs them off
            int mark = e.log().mark();
            send.send(new byte[] {0, 1});
            send.send(datagram("cmd", "spawn", "vassal", "nope.ini"));
            send.send(datagram("cmd", "spawn"));
            e.awaitLog(mark, "ignoring a command datagram of 2 bytes", TempEmperor.SHORT);
            e.awaitLog(mark, "^\\[uwsgi-emperor\\] ERROR: unable to find vassal \"nope\\.ini\"$", TempEmperor.SHORT);
            e.awaitLog(mark, "^\\[uwsgi-emperor\\] ERROR: the \"spawn\" command requires a vassal name$", TempEmperor.SHORT);

            // spawn (through the "command" alias)
            mark = e.log().mark();
            send.send(datagram("command", "spawn", "vassal", "app1.ini"));
            e.awaitLog(mark, "^\\[uwsgi-emperor\\] INFO: requested the spawn of vassal \"app1\\.ini\"$", TempEmperor.SHORT);
            long worker = e.awaitAnswer(p1, "app1", TempEmperor.SHORT).workerPid();
            Stats.Vassal v1 = e.awaitVassal("app1.ini", TempEmperor.SHORT, "running, not suspended",
                    v -> v.pid() > 0 && v.num("suspended") == 0 && v.accepting());
            long master = v1.pid();
            assertFalse(noProcessFor(e, "app1.ini"), "the probe used for 'no process' does see a running vassal");
            assertEquals(0, v1.respawns());
            send.send(datagram("cmd", "spawn", "vassal", "app1.ini"));
            e.awaitLog(mark, "^\\[uwsgi-emperor\\] WARNING: the vassal \"app1\\.ini\" is already active$", TempEmperor.SHORT);

            // respawn: byte 1, same master, new worker, respawns 1
            mark = e.log().mark();
            send.send(datagram("cmd", "respawn", "vassal", "app1.ini"));
            e.awaitLog(mark, "^\\[uwsgi-emperor\\] INFO: requested the respawn of vassal \"app1\\.ini\"$", TempEmperor.SHORT);
            e.awaitLog(mark, "\\[emperor\\] reload the uwsgi instance app1\\.ini", TempEmperor.SHORT);
            Stats.Vassal after = e.awaitVassal("app1.ini", TempEmperor.SHORT, "respawns == 1", v -> v.respawns() == 1);
            assertEquals(master, after.pid(), "reloaded in place");
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT, r -> r.workerPid() != worker, "from a new worker");

            // log: the message is one line of the Emperor log, as sent
            String note = "operator note " + transport + " " + System.nanoTime();
            mark = e.log().mark();
            send.send(datagram("cmd", "log", "msg", note));
            assertEquals(note, e.awaitLog(mark, "^" + Pattern.quote(note) + "$", TempEmperor.SHORT));

            // stop: byte 0, the master exits, the record goes; the next scan re-adds the file, suspended again
            ProcTree.Proc masterProc = ProcTree.require(master);
            mark = e.log().mark();
            send.send(datagram("cmd", "stop", "vassal", "app1.ini"));
            e.awaitLog(mark, "^\\[uwsgi-emperor\\] INFO: requested the stop of vassal \"app1\\.ini\"$", TempEmperor.SHORT);
            e.awaitLog(mark, "\\[emperor\\] stop the uwsgi instance app1\\.ini", TempEmperor.SHORT);
            e.await(TempEmperor.SHORT, "master " + master + " exited and reaped", () -> !ProcTree.exists(masterProc));
            e.awaitLog(mark, "\\[emperor\\] removed uwsgi instance app1\\.ini", TempEmperor.SHORT);
            e.awaitLog(mark, "\\[uwsgi-emperor\\] app1\\.ini -> \"wait-for-command\" instance detected", TempEmperor.SHORT);
            e.awaitVassal("app1.ini", TempEmperor.SHORT, "back, suspended", v -> suspended(v) && v.respawns() == 0);
            e.await(TempEmperor.SHORT, "port " + p1 + " closed", () -> Http.tryGet(p1).isEmpty());
            assertTrue(noProcessFor(e, "app1.ini"), "no app1 process while suspended");

            // and it can be spawned again
            send.send(datagram("cmd", "spawn", "vassal", "app1.ini"));
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
            long master2 = e.awaitVassal("app1.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();
            assertTrue(master2 != master, "a new master");

            // the ignored vassal was never touched
            assertEquals(pid2, e.stats().vassal("app2.ini").orElseThrow().pid());
            assertTrue(e.isRunning());
            e.signal("TERM");
            assertEquals(0, e.awaitExit(Duration.ofSeconds(30)));
            if (transport.equals("unix")) {
                assertTrue(Files.notExists(sock), "the socket file is removed at exit");
            }
        } finally {
            TempEmperor.deleteTree(root);
        }
    }
}
