package dev.emperor.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.FakeNative;
import dev.emperor.internal.JnrNative;
import dev.emperor.internal.Native;
import dev.emperor.internal.SpawnRequest;
import dev.emperor.source.VassalSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-demand socket reaches the vassal: on fd 0 by a file action of a plain spawn, or as the
 * third SCM_RIGHTS fd of a fork-server session with modifier2 0x05 (emperor-protocol §1c).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class OnDemandSpawnTest {
    @TempDir
    Path tmp;

    private static Spawner spawner(Native nat) {
        return new Spawner(nat, new ArgvBuilder(List.of(), List.of(), List.of(), List.of(), List.of(), List.of()),
                new BinaryResolver(List.of(), null, "/bin/true", List.of()),
                new VassalEnvironment(Map.of("PATH", "/usr/bin:/bin"), List.of(), List.of()), List.of(), new Trampoline(null, null, false, false, List.of(), List.of()));
    }

    private VassalSource file() {
        return new VassalSource("a.ini", tmp.resolve("a.ini"), tmp, 1, 0, 0, tmp.toString());
    }

    @Test
    void plainSpawnPutsTheSocketOnFdZeroInsteadOfDevNull() throws Exception {
        FakeNative nat = new FakeNative();
        spawner(nat).spawn(SpawnSpec.of(file(), 77, null));
        SpawnRequest r = nat.spawns.get(0);
        assertEquals(77, r.fds().get(0), "fd 0 = the listening socket");
        assertTrue(r.fds().containsKey(Spawner.EMPEROR_FD));
        assertEquals(2, r.fds().size(), "nothing else");
        spawner(nat).spawn(SpawnSpec.of(file(), -1, null));
        assertTrue(!nat.spawns.get(1).fds().containsKey(0), "a normal vassal gets /dev/null on fd 0");
    }

    @Test
    void adoptionSendsTheSocketAsThirdFdWithModifier2Five() {
        FakeNative nat = new FakeNative();
        nat.connectResult = 0;
        Spawner.Adoption a = spawner(nat).adopt(SpawnSpec.of(file(), 77, null), "/run/fork.sock", System.currentTimeMillis() + 1000);
        assertNotNull(a.session());
        assertEquals(35, nat.lastSent[0] & 0xff);
        assertEquals(ForkServerSession.PIPE | ForkServerSession.ON_DEMAND, nat.lastSent[3] & 0xff);
        String send = nat.calls.stream().filter(c -> c.startsWith("sendfds")).findFirst().orElseThrow();
        assertTrue(send.endsWith(", 77]"), send + ": pipe end first, then the socket");
    }

    /**
     * Against the kernel: a Python fork-server stand-in receives the fds with recv_fds and reports
     * modifier2 and each fd's inode; they must be our pipe's child end and our listening socket, in that order.
     */
    @Test
    void realSessionPassesPipeThenSocket() throws Exception {
        Native nat = JnrNative.load();
        Path sock = tmp.resolve("fork.sock");
        String py = String.join("\n",
                "import socket, sys, os",
                "s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1); print('ready', flush=True)",
                "c, _ = s.accept()",
                "msg, fds, flags, addr = socket.recv_fds(c, 65536, 4)",
                "print(msg[0], msg[3], ' '.join(str(os.fstat(f).st_ino) for f in fds), flush=True)");
        Process p = new ProcessBuilder("python3", "-c", py, sock.toString()).redirectErrorStream(true).start();
        int[] pair = nat.socketpair();
        int od = nat.listenTcp("127.0.0.1", 0, 5);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine());
            ForkServerSession.Opened o = ForkServerSession.open(nat, sock.toString(), List.of("uwsgi", "--ini", "a.ini"),
                    System.currentTimeMillis() + 5000, pair[1], -1, od);
            assertNotNull(o.session(), o::toString);
            String[] got = out.readLine().split(" ");
            assertEquals("35", got[0]);
            assertEquals("5", got[1], "modifier2 = 0x01 pipe | 0x04 on-demand socket");
            assertEquals(List.of(inode(pair[1]), inode(od)), List.of(got[2], got[3]));
            o.session().close();
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            nat.close(pair[0]);
            nat.close(pair[1]);
            nat.close(od);
        }
    }

    private static String inode(int fd) throws Exception {
        String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString(); // socket:[12345]
        return link.substring(link.indexOf('[') + 1, link.length() - 1);
    }
}
