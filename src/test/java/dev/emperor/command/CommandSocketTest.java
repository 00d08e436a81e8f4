package dev.emperor.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.core.Control;
import dev.emperor.core.EmperorLog;
import dev.emperor.internal.UnixDatagramSocket;
import dev.emperor.testing.Await;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real UDP and UNIX datagram sockets in front of a fake loop: binding rules, startup lines, the thread. */
@Timeout(20)
class CommandSocketTest {

    @TempDir
    Path dir;
    private final FakeCommands target = new FakeCommands();
    private final EmperorLog log = EmperorLog.standard();
    private LogCapture logs;

    @BeforeEach
    void setUp() {
        logs = new LogCapture();
    }

    @AfterEach
    void tearDown() {
        logs.close();
    }

    private CommandSocket open(String address, String chmod) throws IOException {
        return CommandSocket.open(address, dir, chmod, new CommandDispatcher(target, log), log);
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sendUdp(int port, byte[] b) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
        }
    }

    private static boolean isSocketFd(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString().startsWith("socket:[");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean commandThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("command") && t.isAlive());
    }

    @Test
    void udpSocketDispatchesDatagrams() throws Exception {
        int port = freeUdpPort();
        try (CommandSocket s = open("127.0.0.1:" + port, null)) {
            assertTrue(s.fd() > 2 && isSocketFd(s.fd()), "fd " + s.fd());
            assertTrue(logs.has("*** Emperor command socket enabled on 127.0.0.1:" + port + " fd: " + s.fd() + " ***"),
                    logs.lines().toString());
            sendUdp(port, Datagrams.of("cmd", "spawn", "vassal", "a.ini"));
            assertEquals(new FakeCommands.Call("a.ini", Control.Action.SPAWN), target.nextCall());
            sendUdp(port, Datagrams.of("cmd", "log", "msg", "over udp"));
            assertEquals("over udp", target.nextMessage());
        }
        Await.until("command thread gone", () -> !commandThreadAlive());
    }

    @Test
    void unixSocketDispatchesDatagramsAndIsRemovedOnClose() throws Exception {
        Path path = dir.resolve("cmd.sock");
        try (CommandSocket s = open(path.toString(), null)) {
            assertTrue(Files.exists(path));
            assertTrue(isSocketFd(s.fd()), "fd " + s.fd());
            assertTrue(logs.has("*** Emperor command socket enabled on " + path + " fd: " + s.fd() + " ***"));
            UnixDatagramSocket.sendTo(path.toString(), Datagrams.of("command", "stop", "vassal", "b.ini"));
            assertEquals(new FakeCommands.Call("b.ini", Control.Action.STOP), target.nextCall());
        }
        assertFalse(Files.exists(path), "socket file removed");
        Await.until("command thread gone", () -> !commandThreadAlive());
        assertThrows(IOException.class, () -> UnixDatagramSocket.sendTo(path.toString(), Datagrams.of("cmd", "log", "msg", "x")));
    }

    @Test
    void relativeUnixPathIsTakenFromTheBaseDir() throws Exception {
        try (CommandSocket s = open("rel.sock", null)) {
            assertTrue(Files.exists(dir.resolve("rel.sock")));
            assertTrue(logs.has("*** Emperor command socket enabled on rel.sock fd: " + s.fd() + " ***"));
        }
    }

    @Test
    void datagramsAreTruncatedTo4096BytesLikeRecv() throws Exception {
        Path path = dir.resolve("big.sock");
        byte[] big = Datagrams.of("cmd", "log", "msg", "x".repeat(5000));
        try (CommandSocket s = open(path.toString(), null)) {
            UnixDatagramSocket.sendTo(path.toString(), big);
            Await.until("the log error", () -> logs.has("[uwsgi-emperor] ERROR: the \"log\" command requires a message"));
        }
        assertTrue(target.messages.isEmpty(), "the truncated msg pair is dropped, as by uwsgi_hooked_parse");
    }

    @Test
    void staleSocketFileIsReplaced() throws Exception {
        Path path = dir.resolve("stale.sock");
        UnixDatagramSocket.bind(path.toString()).close(); // leaves the file behind, nobody bound
        assertTrue(Files.exists(path));
        try (CommandSocket s = open(path.toString(), null)) {
            assertTrue(isSocketFd(s.fd()));
            UnixDatagramSocket.sendTo(path.toString(), Datagrams.of("cmd", "respawn", "vassal", "c.ini"));
            assertEquals(new FakeCommands.Call("c.ini", Control.Action.RESPAWN), target.nextCall());
        }
    }

    @Test
    void liveSocketIsNotStolenAndTheFailureIsFatal() throws Exception {
        Path path = dir.resolve("live.sock");
        try (UnixDatagramSocket other = UnixDatagramSocket.bind(path.toString())) {
            assertTrue(isSocketFd(other.fd()));
            IOException e = assertThrows(IOException.class, () -> open(path.toString(), null));
            assertTrue(e.getMessage().contains(path.toString()) && e.getMessage().contains("in use"), e.getMessage());
            assertTrue(logs.has("*** Emperor command socket enabled on " + path + " fd: -1 ***"));
            assertTrue(Files.exists(path), "the other process's socket is left alone");
        }
    }

    @Test
    void aFileThatIsNotASocketIsLeftAlone() throws Exception {
        Path path = dir.resolve("data.txt");
        Files.writeString(path, "precious");
        IOException e = assertThrows(IOException.class, () -> open(path.toString(), null));
        assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
        assertEquals("precious", Files.readString(path));
    }

    @Test
    void udpPortInUseIsFatalAndNamesTheAddress() throws Exception {
        try (DatagramSocket busy = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + busy.getLocalPort();
            IOException e = assertThrows(IOException.class, () -> open(address, null));
            assertTrue(e.getMessage().contains(address), e.getMessage());
            assertTrue(logs.has("*** Emperor command socket enabled on " + address + " fd: -1 ***"));
        }
        assertThrows(IOException.class, () -> open("127.0.0.1:http", null));
        assertThrows(IOException.class, () -> open("127.0.0.1:70000", null));
    }

    @Test
    void chmodSocketIsApplied() throws Exception {
        Path path = dir.resolve("mode.sock");
        try (CommandSocket s = open(path.toString(), "660")) {
            assertTrue(isSocketFd(s.fd()));
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        }
        assertEquals("rw-rw-rw-", CommandSocket.rwx(""));
        assertEquals("rwxr-x---", CommandSocket.rwx("0750"));
        assertThrows(IllegalArgumentException.class, () -> CommandSocket.rwx("rw"));
    }

    @Test
    void aThrowingTargetDoesNotKillTheThread() throws Exception {
        Path path = dir.resolve("robust.sock");
        target.answer = c -> {
            if (c.vassal().equals("bad.ini")) throw new IllegalStateException("boom");
            return FakeCommands.notFound(c);
        };
        try (CommandSocket s = open(path.toString(), null)) {
            assertTrue(isSocketFd(s.fd()));
            UnixDatagramSocket.sendTo(path.toString(), Datagrams.of("cmd", "spawn", "vassal", "bad.ini"));
            UnixDatagramSocket.sendTo(path.toString(), new byte[] {1});
            UnixDatagramSocket.sendTo(path.toString(), Datagrams.of("cmd", "spawn", "vassal", "next.ini"));
            target.nextCall();
            assertEquals("next.ini", target.nextCall().vassal());
            Await.until("not found line", () -> logs.has("[uwsgi-emperor] ERROR: unable to find vassal \"next.ini\""));
        }
    }

    @Test
    void heldForAnUpgradeADatagramWaitsInTheSocketUntilReleased() throws Exception {
        int port = freeUdpPort();
        Path path = dir.resolve("held.sock");
        try (CommandSocket udp = open("127.0.0.1:" + port, null); CommandSocket unix = open(path.toString(), null)) {
            udp.hold();
            unix.hold();
            sendUdp(port, Datagrams.of("cmd", "log", "msg", "held udp"));
            UnixDatagramSocket.sendTo(path.toString(), Datagrams.of("cmd", "log", "msg", "held unix"));
            // read while held: sent back to the socket, not handed to the loop (whose task would die with the exec)
            assertEquals(null, target.messages.poll(500, java.util.concurrent.TimeUnit.MILLISECONDS), "dispatched while held");
            udp.release();
            unix.release();
            java.util.Set<String> got = new java.util.HashSet<>(java.util.List.of(target.nextMessage(), target.nextMessage()));
            assertEquals(java.util.Set.of("held udp", "held unix"), got);
        }
    }

    @Test
    void anInheritedSocketIsUsedOnlyWhenBoundOnTheConfiguredAddress() throws Exception {
        Path path = dir.resolve("mine.sock");
        int port = freeUdpPort();
        try (CommandSocket unix = open(path.toString(), null); CommandSocket udp = open("127.0.0.1:" + port, null)) {
            assertTrue(CommandSocket.boundOn(unix.fd(), "mine.sock", dir));
            assertFalse(CommandSocket.boundOn(unix.fd(), "other.sock", dir));
            assertTrue(CommandSocket.boundOn(udp.fd(), "127.0.0.1:" + port, dir));
            assertFalse(CommandSocket.boundOn(unix.fd(), "127.0.0.1:" + port, dir));
        }
    }
}
