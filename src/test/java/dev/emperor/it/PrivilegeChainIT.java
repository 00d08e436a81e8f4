package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.testing.TestUsers;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole trampoline chain with a real uWSGI vassal (root-only; CI runs as root):
 * {@code emperor-use-clone = uts,ipc,net} (unshare), {@code emperor-cap} (setpriv's bounding set),
 * Tyrant with {@code emperor-tyrant-nofollow} (a symlink owned by user A to user B's config runs
 * as A). The vassal is in new uts/ipc/net namespaces (the loopback of a fresh net namespace is down,
 * so it serves HTTP on a UNIX socket), has CapBnd 0x5c0 as uWSGI's verified value for
 * setuid,setgid,net_bind_service, and speaks the Emperor protocol (ready, then loyal after a request).
 */
@Timeout(90)
class PrivilegeChainIT {

    static String ns(long pid, String kind) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", kind)).toString();
    }

    static Optional<String> unixGet(Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap("GET / HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (ch.read(buf) >= 0 && buf.hasRemaining()) {
                // read to EOF
            }
            return Optional.of(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Test
    void namespacesBoundingSetAndNofollowOwner() throws Exception {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "the symlink rule and the refusals are ours");
        TestUsers.User a = TestUsers.ensure(TestUsers.A);
        TestUsers.User b = TestUsers.ensure(TestUsers.B);
        try (TempEmperor e = TempEmperor.prepare("privilege-chain")
                .option("emperor-tyrant", "true")
                .option("emperor-tyrant-nofollow", "true")
                .option("emperor-cap", "setuid,setgid,net_bind_service")
                .option("emperor-use-clone", "uts,ipc,net")
                .build()) {
            Path run = Files.createDirectories(e.root().resolve("run"));
            Path elsewhere = Files.createDirectories(e.root().resolve("elsewhere"));
            TestUsers.openUp(e.root(), e.vassalsDir(), e.appsDir(), elsewhere);
            TestUsers.own(run, a.uid(), a.gid()); // the vassal (as A) creates its socket here
            Path socket = run.resolve("link.sock");
            Vassals.Spec spec = Vassals.python("link", 1).option("http-socket", socket.toString());
            Path app = Vassals.writeAtomically(e.appsDir().resolve("link.py"), Vassals.app("link"));
            Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rw-r--r--"));
            Path bFile = TestUsers.writeOwned(elsewhere.resolve("b.ini"), spec.render(e.appsDir()), b);
            Path link = Files.createSymbolicLink(e.vassalsDir().resolve("link.ini"), bFile);
            TestUsers.own(link, a.uid(), a.gid());
            e.start();

            Stats.Vassal v = e.awaitVassal("link.ini", TempEmperor.SHORT, "ready", x -> x.pid() > 0 && x.ready());
            long pid = v.pid();
            TyrantIT.assertRunsAs(pid, a, "nofollow: the link's owner, not the target's");
            assertEquals("00000000000005c0", ProcTree.status(pid, "CapBnd").orElseThrow(),
                    "bounding set = listed caps + setpcap (uWSGI verified 0x5c0)");
            assertEquals("0000000000000000", ProcTree.status(pid, "CapEff").orElseThrow(), "no effective caps after the drop");
            long self = ProcessHandle.current().pid();
            for (String kind : new String[] {"uts", "ipc", "net"}) {
                assertNotEquals(ns(e.pid(), kind), ns(pid, kind), kind + " namespace of the vassal");
            }
            assertEquals(ns(e.pid(), "mnt"), ns(pid, "mnt"), "mount namespace not asked for");
            assertEquals(ns(self, "uts"), ns(e.pid(), "uts"), "the Emperor itself stays in the host namespaces");
            assertEquals(e.pid(), ProcTree.ppid(pid).orElseThrow(), "unshare without --fork keeps the pid: the Emperor's child");

            String answer = Poll.value(TempEmperor.SHORT, "an answer on " + socket,
                    () -> unixGet(socket).filter(r -> r.endsWith("hello link")));
            assertTrue(answer.startsWith("HTTP/1.0 200") || answer.startsWith("HTTP/1.1 200"), answer);
            e.awaitVassal("link.ini", TempEmperor.SHORT, "loyal", Stats.Vassal::loyal);
            e.awaitLog("\\[emperor\\] vassals get new namespaces: uts,ipc,net", Duration.ofSeconds(1));
        }
    }
}
