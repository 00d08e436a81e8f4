package dev.emperor.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.emperor.internal.JnrNative;
import dev.emperor.internal.Native;
import dev.emperor.source.VassalSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against the kernel: an adopted config-pipe vassal (docs/wire-formats.md, "Fork-server session" and
 * "Config pipe"). A Python fork-server stand-in receives the request with recv_fds, as uWSGI's fork
 * server does; it must see modifier2 0x03, the argv with {@code emperor://NAME}, and on the second fd
 * the config packet the Emperor pushed (modifier1 115, size, the bytes), then a second push once the
 * "vassal" asks again.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConfigPipeAdoptionTest {
    @TempDir
    Path tmp;

    @Test
    void theForkServerGetsTheConfigEndAsSecondFdWithTheConfigWaitingInIt() throws Exception {
        Native nat = JnrNative.load();
        Spawner spawner = new Spawner(nat, new ArgvBuilder(List.of(), List.of(), List.of(), List.of(), List.of(), List.of()),
                new BinaryResolver(List.of(), null, "/bin/true", List.of()),
                new VassalEnvironment(Map.of("PATH", "/usr/bin:/bin"), List.of(), List.of()), List.of(),
                new Trampoline(null, null, false, false, List.of(), List.of()));
        byte[] config = "[uwsgi]\nhttp-socket = 127.0.0.1:9\n".getBytes(StandardCharsets.UTF_8);
        Path sock = tmp.resolve("fork.sock");
        String py = String.join("\n",
                "import socket, sys, os, struct",
                "s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1); print('ready', flush=True)",
                "c, _ = s.accept()",
                "msg, fds, flags, addr = socket.recv_fds(c, 65536, 4)",
                "argv, body = [], msg[4:]",
                "while body:",
                "    n = struct.unpack('<H', body[:2])[0]; argv.append(body[2:2 + n].decode()); body = body[2 + n:]",
                "def packet(fd):",
                "    h = os.read(fd, 4); n = h[1] | (h[2] << 8); b = b''",
                "    while len(b) < n: b += os.read(fd, n - len(b))",
                "    return '%d %d %d %s' % (h[0], n, h[3], b.decode().replace('\\n', '|'))",
                "print(msg[0], msg[3], len(fds), ' '.join(argv[1:]), flush=True)",
                "print(packet(fds[1]), flush=True)",
                "sys.stdin.readline()",
                "print(packet(fds[1]), flush=True)");
        Process p = new ProcessBuilder("python3", "-c", py, sock.toString()).start();
        Spawner.Adoption a = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine());
            VassalSource row = VassalSource.ofConfig("app.ini", config, tmp, 1, 1000, 1000, "pg://db", null);
            a = spawner.adopt(spawner.spec(row, -1), sock.toString(), System.currentTimeMillis() + 5000);
            assertNotNull(a.session(), String.valueOf(a.error()));
            assertEquals("35 3 2 --ini emperor://app.ini", out.readLine(), "modifier1, modifier2 = pipe | config pipe, 2 fds, argv");
            String expected = "115 " + config.length + " 0 [uwsgi]|http-socket = 127.0.0.1:9|";
            assertEquals(expected, out.readLine(), "the config waited in the second fd");
            assertEquals(null, ConfigPipe.push(nat, a.configFd(), config)); // the vassal's byte 2, answered
            p.getOutputStream().write('\n');
            p.getOutputStream().flush();
            assertEquals(expected, out.readLine(), "pushed again on request");
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            if (a != null && a.session() != null) {
                a.session().close();
                nat.close(a.pipeFd());
                nat.close(a.configFd());
            }
        }
    }
}
