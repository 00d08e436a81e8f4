package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.UnixDatagramSocket;
import dev.emperor.protocol.UwsgiPacket;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command socket crosses an in-place upgrade (docs/upgrade.md, "What crosses the exec"): the
 * socket the new process serves on is the same kernel socket as before (not bound again), and the
 * datagrams sent from the moment the old process logs its exec until the new one has resumed — a
 * {@code respawn} and a stream of {@code log} commands — are all handled afterwards.
 */
@Timeout(180)
class UpgradeCommandSocketIT {

    private static byte[] datagram(String... kv) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            vars.put(kv[i], kv[i + 1]);
        }
        return UwsgiPacket.packet(0, 0, UwsgiPacket.encodeVars(vars));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"udp", "unix", "unix-corrupt"})
    void datagramsSentDuringTheExecAreHandledAfter(String variant) throws Exception {
        // unix-corrupt: the state document is cut in half, the successor finds the socket in the manifest
        String transport = variant.startsWith("udp") ? "udp" : "unix";
        boolean corrupt = variant.endsWith("-corrupt");
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "in-place upgrade is ours");
        int port = Ports.free();
        int udpPort = Ports.free();
        try (UpgradeKit kit = UpgradeKit.install("upgrade-cmd-" + variant)) {
            Path sock = kit.dir.resolve("cmd.sock");
            String address = transport.equals("udp") ? "127.0.0.1:" + udpPort : sock.toString();
            TempEmperor.Builder b = kit.apply(TempEmperor.prepare("upgrade-cmd-" + variant))
                    .option("emperor-command-socket", address);
            if (corrupt) {
                b.env("EMPEROR_UPGRADE_TEST_CORRUPT_STATE", "1");
            }
            try (TempEmperor e = b.build()) {
                Vassals.python("app1", port).writeTo(e);
                e.start();
                e.awaitAnswer(port, "app1", TempEmperor.SHORT);
                long master = e.awaitVassal("app1.ini", TempEmperor.SHORT, "accepting", Stats.Vassal::accepting).pid();
                String before = socketOf(e, address, 0);

                kit.swapInNewVersion();
                int mark = e.log().mark();
                List<String> sent = new ArrayList<>();
                List<Throwable> sendFailures = new ArrayList<>();
                Thread sender = new Thread(() -> {
                    try {
                        e.awaitLog(mark, "\\*\\*\\* in-place upgrade: exec ", Duration.ofSeconds(90));
                        send(transport, udpPort, sock, datagram("cmd", "respawn", "vassal", "app1.ini"));
                        // until the new process says it resumed: every one of these is sent during the gap
                        java.util.regex.Pattern done = java.util.regex.Pattern.compile("\\*\\*\\* in-place upgrade from .+ done");
                        // about 50 a second, until the new process says it resumed
                        for (int i = 0; i < 1000 && !e.log().awaitLine(mark, done, i == 0 ? 0 : 20); i++) {
                            String note = "note during the upgrade " + transport + " #" + i;
                            send(transport, udpPort, sock, datagram("cmd", "log", "msg", note));
                            synchronized (sent) {
                                sent.add(note);
                            }
                        }
                    } catch (Throwable t) {
                        sendFailures.add(t);
                    }
                }, "sender");
                sender.start();
                System.out.println("[upgrade-cmd-" + variant + "] " + UpgradeKit.upgrade(e).strip());
                sender.join(60_000);
                assertEquals(List.of(), sendFailures, "sending");
                List<String> notes;
                synchronized (sent) {
                    notes = List.copyOf(sent);
                }
                assertTrue(!notes.isEmpty(), "datagrams were sent during the gap");
                for (String note : notes) {
                    e.awaitLog(mark, "^" + Pattern.quote(note) + "$", TempEmperor.SHORT);
                }
                e.awaitLog(mark, "\\[emperor\\] reload the uwsgi instance app1\\.ini", TempEmperor.SHORT);
                e.awaitVassal("app1.ini", TempEmperor.SHORT, "respawned in place once", v -> v.respawns() == 1 && v.pid() == master);
                System.out.println("[upgrade-cmd-" + variant + "] " + notes.size() + " log commands sent during the gap, all handled");

                // handed over, not bound again: the same kernel socket
                assertEquals(before, socketOf(e, address, mark), "the command socket after the upgrade is the one before");
                // and it still serves
                int m2 = e.log().mark();
                send(transport, udpPort, sock, datagram("cmd", "log", "msg", "after " + transport));
                e.awaitLog(m2, "^after " + transport + "$", TempEmperor.SHORT);
            }
        }
    }

    private static void send(String transport, int udpPort, Path sock, byte[] b) throws Exception {
        if (transport.equals("udp")) {
            try (DatagramSocket s = new DatagramSocket()) {
                s.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", udpPort)));
            }
        } else {
            UnixDatagramSocket.sendTo(sock.toString(), b);
        }
    }

    /** The socket:[INODE] of the fd named by the last "command socket enabled" line from {@code mark}. */
    private static String socketOf(TempEmperor e, String address, int mark) throws Exception {
        String line = e.awaitLog(mark, "\\*\\*\\* Emperor command socket enabled on " + Pattern.quote(address) + " fd: \\d+ \\*\\*\\*",
                TempEmperor.SHORT);
        Matcher m = Pattern.compile("fd: (\\d+)").matcher(line);
        assertTrue(m.find(), line);
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(e.pid()), "fd", m.group(1))).toString();
    }
}
