package dev.emperor.spawn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.FakeNative;
import dev.emperor.internal.SpawnRequest;
import dev.emperor.source.VassalSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A vassal whose config comes from its source (no file) is started as uWSGI starts it
 * (docs/wire-formats.md, "Config pipe"): {@code --ini emperor://NAME}, a second socketpair named by
 * {@code UWSGI_EMPEROR_FD_CONFIG}, the config pushed as one uwsgi packet (modifier1 115) right after
 * the spawn; adopted vassals get the config end as the second SCM_RIGHTS fd, modifier2 0x02.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConfigPipeSpawnTest {
    static final byte[] CONFIG = "[uwsgi]\nhttp-socket = 127.0.0.1:9\n".getBytes(StandardCharsets.UTF_8);

    static Spawner spawner(FakeNative nat, List<Integer> safeFds) {
        return new Spawner(nat, new ArgvBuilder(List.of(), List.of(), List.of(), List.of(), List.of(), List.of()),
                new BinaryResolver(List.of(), null, "/bin/true", List.of()),
                new VassalEnvironment(Map.of("PATH", "/usr/bin:/bin"), List.of(), List.of()), safeFds,
                new Trampoline(null, null, false, false, List.of(), List.of()));
    }

    static VassalSource row(String name) {
        return VassalSource.ofConfig(name, CONFIG, Path.of("/srv"), 7_000_000_000L, 1000, 1000, "pg://db", null);
    }

    static byte[] packet(byte[] config) {
        byte[] p = new byte[4 + config.length];
        p[0] = 115;
        p[1] = (byte) config.length;
        p[2] = (byte) (config.length >> 8);
        p[3] = 0;
        System.arraycopy(config, 0, p, 4, config.length);
        return p;
    }

    static String env(SpawnRequest r, String key) {
        return r.env().stream().filter(e -> e.startsWith(key + "=")).map(e -> e.substring(key.length() + 1)).findFirst()
                .orElse(null);
    }

    @Test
    void aRowIsStartedWithEmperorSchemeAndItsConfigPushedAtOnce() throws Exception {
        FakeNative nat = new FakeNative();
        Spawner.Spawned s = spawner(nat, List.of()).spawn(SpawnSpec.of(row("app.ini"), -1, null));
        SpawnRequest r = nat.spawns.get(0);
        assertEquals(List.of("/bin/true", "--ini", "emperor://app.ini"), s.argv(), "the flag still follows the extension");
        assertEquals("3", env(r, "UWSGI_EMPEROR_FD"));
        assertEquals("4", env(r, "UWSGI_EMPEROR_FD_CONFIG"));
        assertEquals("/srv", r.cwd());
        int childConfig = r.fds().get(4);
        assertTrue(s.configFd() >= 0 && s.configFd() != s.pipeFd() && s.configFd() != childConfig);
        assertArrayEquals(packet(CONFIG), nat.written.get(s.configFd()).toByteArray(), "one uwsgi packet: 115, size, 0, bytes");
        assertTrue(nat.calls.contains("close " + childConfig), "our copy of the child's end is closed after the spawn");
        assertFalse(nat.calls.contains("close " + s.configFd()));
    }

    @Test
    void theConfigFdSkipsSafeFds() throws Exception {
        FakeNative nat = new FakeNative();
        spawner(nat, List.of(4, 5)).spawn(SpawnSpec.of(row("app.ini"), -1, null));
        SpawnRequest r = nat.spawns.get(0);
        assertEquals("3", env(r, "UWSGI_EMPEROR_FD"));
        assertEquals("6", env(r, "UWSGI_EMPEROR_FD_CONFIG"));
        assertEquals(4, r.fds().get(4), "the safe fds stay where they are");
    }

    @Test
    void aFileVassalHasNoConfigPipe() throws Exception {
        FakeNative nat = new FakeNative();
        VassalSource file = new VassalSource("a.ini", Path.of("/v/a.ini"), Path.of("/v"), 1, 0, 0, "/v");
        Spawner.Spawned s = spawner(nat, List.of()).spawn(SpawnSpec.of(file, -1, null));
        assertEquals(List.of("/bin/true", "--ini", "a.ini"), s.argv());
        assertEquals(-1, s.configFd());
        assertEquals(null, env(nat.spawns.get(0), "UWSGI_EMPEROR_FD_CONFIG"));
        assertEquals(Map.of(3, nat.spawns.get(0).fds().get(3)), nat.spawns.get(0).fds(), "only the emperor pipe");
    }

    @Test
    void anAdoptedRowGetsTheConfigEndAsSecondFdThenTheSocket() {
        FakeNative nat = new FakeNative();
        nat.connectResult = 0;
        Spawner.Adoption a = spawner(nat, List.of()).adopt(SpawnSpec.of(row("app.ini"), 77, null), "/run/fork.sock",
                System.currentTimeMillis() + 1000);
        assertNotNull(a.session());
        assertEquals(35, nat.lastSent[0] & 0xff);
        assertEquals(ForkServerSession.PIPE | ForkServerSession.CONFIG_PIPE | ForkServerSession.ON_DEMAND, nat.lastSent[3] & 0xff);
        String send = nat.calls.stream().filter(c -> c.startsWith("sendfds")).findFirst().orElseThrow();
        int[] fds = Arrays.stream(send.substring(send.indexOf('[') + 1, send.length() - 1).split(", "))
                .mapToInt(Integer::parseInt).toArray();
        assertEquals(3, fds.length, send);
        assertEquals(77, fds[2], "the on-demand socket comes last");
        assertTrue(nat.calls.contains("close " + fds[1]), "our copy of the config end is closed once sent");
        assertArrayEquals(packet(CONFIG), nat.written.get(a.configFd()).toByteArray(), "pushed at once, waiting in the socket");
        List<String> argv = dev.emperor.protocol.UwsgiPacket.decodeArray(nat.lastSent, 4, nat.lastSent.length - 4);
        assertEquals(List.of("/bin/true", "--ini", "emperor://app.ini"), argv);
    }

    @Test
    void anAdoptedRowWithoutSocketIsModifier2Three() {
        FakeNative nat = new FakeNative();
        nat.connectResult = 0;
        spawner(nat, List.of()).adopt(SpawnSpec.of(row("app.ini"), -1, null), "/run/fork.sock", System.currentTimeMillis() + 1000);
        assertEquals(ForkServerSession.PIPE | ForkServerSession.CONFIG_PIPE, nat.lastSent[3] & 0xff);
    }

    @Test
    void aBaseNotListeningYetLeavesNoFdOpen() {
        FakeNative nat = new FakeNative();
        nat.connectResult = -dev.emperor.internal.Native.ENOENT;
        Spawner.Adoption a = spawner(nat, List.of()).adopt(SpawnSpec.of(row("app.ini"), -1, null), "/run/fork.sock",
                System.currentTimeMillis() + 1000);
        assertTrue(a.waitForBase());
        List<String> closes = nat.calls.stream().filter(c -> c.startsWith("close ")).toList();
        assertEquals(4, closes.size(), "both ends of both socketpairs: " + nat.calls);
        assertTrue(nat.written.isEmpty(), "nothing pushed for a session that did not happen");
    }

    @Test
    void aConfigMustFitOneUwsgiPacket() {
        assertThrows(IllegalArgumentException.class, () -> VassalSource.ofConfig("big.ini", new byte[65536], Path.of("/"),
                1, 0, 0, "pg://db", null));
        assertThrows(IllegalArgumentException.class, () -> VassalSource.ofConfig("empty.ini", new byte[0], Path.of("/"),
                1, 0, 0, "pg://db", null));
        VassalSource max = VassalSource.ofConfig("max.ini", new byte[65535], Path.of("/"), 1, 0, 0, "pg://db", null);
        assertEquals(65535 + 4, ConfigPipe.packet(max.config()).length);
    }
}
