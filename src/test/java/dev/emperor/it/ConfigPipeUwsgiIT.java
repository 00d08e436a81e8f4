package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.JnrNative;
import dev.emperor.internal.Native;
import dev.emperor.internal.Reaped;
import dev.emperor.protocol.PipeByte;
import dev.emperor.source.VassalSource;
import dev.emperor.spawn.ArgvBuilder;
import dev.emperor.spawn.BinaryResolver;
import dev.emperor.spawn.ConfigPipe;
import dev.emperor.spawn.SpawnSpec;
import dev.emperor.spawn.Spawner;
import dev.emperor.spawn.Trampoline;
import dev.emperor.spawn.VassalEnvironment;
import dev.emperor.spawn.VassalLogs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config pipe against a real uWSGI 2.0.21 vassal (docs/wire-formats.md, "Config pipe"): the
 * project's own {@link Spawner} starts {@code uwsgi --ini emperor://cfg.ini} from config bytes, with no
 * config file anywhere on disk; this harness plays the Emperor's loop: it reads the emperor pipe and
 * answers the vassal's byte 2 with a push of the current config. Proves the argv, the
 * {@code UWSGI_EMPEROR_FD_CONFIG} fd, the packet framing, the push right after the spawn, and that a
 * reloading uWSGI asks with byte 2 on its emperor pipe and boots from the config pushed then.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConfigPipeUwsgiIT {
    @TempDir
    Path tmp;

    static byte[] config(int port, String label) {
        return ("[uwsgi]\n"
                + "plugins = python3\n"
                + "http-socket = 127.0.0.1:" + port + "\n"
                + "processes = 1\n"
                + "eval = application = lambda e, s: (s('200 OK', [('Content-Type', 'text/plain')]), [b'hello "
                + label + "'])[1]\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aVassalStartsFromConfigBytesAndReadsThemAgainOnReload() throws Exception {
        Native nat = JnrNative.load();
        Spawner spawner = new Spawner(nat, new ArgvBuilder(List.of(), List.of(), List.of(), List.of(), List.of(), List.of()),
                new BinaryResolver(List.of(), null, "uwsgi", List.of()),
                new VassalEnvironment(System.getenv(), List.of(), List.of()), List.of(), new Trampoline(null, null, false, false, List.of(), List.of()))
                .vassalLogs(new VassalLogs(nat, tmp, false));
        int port = Ports.free();
        byte[][] current = {config(port, "v1")};
        VassalSource row = VassalSource.ofConfig("cfg.ini", current[0], tmp, 1_000_000_000L, 0, 0, "test://config-pipe", null);
        SpawnSpec spec = spawner.spec(row, -1);
        Spawner.Spawned s = spawner.spawn(spec);
        List<Integer> bytes = new ArrayList<>();
        try {
            assertEquals(List.of("--ini", "emperor://cfg.ini"), s.argv().subList(1, 3));
            try (Stream<Path> files = Files.list(tmp)) {
                assertEquals(List.of(tmp.resolve("cfg.ini.log")), files.toList(), "no config file on disk, only the vassal's log");
            }
            Poll.until(Duration.ofSeconds(30), "v1 answers", () -> {
                drain(nat, s, bytes, current[0]);
                return Http.answers(port, "v1");
            }, () -> log(spec) + "\npipe bytes: " + bytes);
            assertFalse(bytes.contains(PipeByte.CONFIG_REQUEST), "a first boot reads the push made right after the spawn: " + bytes);
            assertTrue(log(spec).contains("emperor://cfg.ini"), log(spec));

            current[0] = config(port, "v2"); // the row changes; the reload makes the vassal ask for it
            assertEquals(1, nat.write(s.pipeFd(), new byte[] {(byte) PipeByte.RELOAD}, 0, 1));
            Poll.until(Duration.ofSeconds(40), "v2 answers after the reload", () -> {
                drain(nat, s, bytes, current[0]);
                return Http.answers(port, "v2");
            }, () -> log(spec) + "\npipe bytes: " + bytes);
            assertEquals(1, bytes.stream().filter(b -> b == PipeByte.CONFIG_REQUEST).count(),
                    "one request (byte 2 on the emperor pipe) per reload: " + bytes);

            assertEquals(1, nat.write(s.pipeFd(), new byte[] {(byte) PipeByte.STOP}, 0, 1));
            Poll.until(Duration.ofSeconds(30), "the vassal exits on the stop byte", () -> nat.reap(s.pid()) != Reaped.NONE);
        } finally {
            nat.killGroup(s.pid(), Native.SIGKILL);
            for (int i = 0; i < 100 && nat.reap(s.pid()) == Reaped.NONE; i++) {
                Thread.onSpinWait();
            }
            nat.close(s.pipeFd());
            nat.close(s.configFd());
        }
    }

    /** The Emperor loop's part: read the pipe, answer byte 2 with a push of the current config. */
    private static void drain(Native nat, Spawner.Spawned s, List<Integer> seen, byte[] config) {
        byte[] buf = new byte[64];
        for (int n; (n = nat.read(s.pipeFd(), buf, buf.length)) > 0; ) {
            for (int i = 0; i < n; i++) {
                int b = buf[i] & 0xff;
                seen.add(b);
                if (b == PipeByte.CONFIG_REQUEST) {
                    String failed = ConfigPipe.push(nat, s.configFd(), config);
                    assertEquals(null, failed);
                }
            }
        }
    }

    private static String log(SpawnSpec spec) {
        try {
            return Files.readString(spec.logFile());
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
