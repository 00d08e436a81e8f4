package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.FakeNative;
import dev.emperor.internal.SpawnException;
import dev.emperor.internal.SpawnRequest;
import dev.emperor.protocol.PipeByte;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalSource;
import dev.emperor.spawn.ConfigPipe;
import dev.emperor.testing.Await;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The loop's side of the config pipe (docs/wire-formats.md, "Config pipe"): byte 2 on a vassal's
 * emperor pipe pushes its source's current config again, once per request; a reload sent by the
 * Emperor does not push by itself (uWSGI 2.0's extra copy); a file vassal's byte 2 writes nothing;
 * the config end is closed with the pipe.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ConfigPipeLoopTest {
    FakeNative nat;
    EmperorLoop loop;
    Thread thread;
    /** Emperor-side fds handed out by the starter: pipe, config. */
    volatile int pipeFd = -1;
    volatile int configFd = -1;

    @BeforeEach
    void start() {
        nat = new FakeNative();
        EmperorLog log = EmperorLog.standard();
        EmperorLoop.VassalStarter starter = (source, onDemandFd) -> {
            int[] pipe = nat.socketpair();
            int[] config = source.config() != null ? nat.socketpair() : null;
            try {
                int pid = nat.spawn(new SpawnRequest("/usr/bin/uwsgi", List.of("uwsgi"), List.of(), "/", Map.of(3, pipe[1]), true));
                pipeFd = pipe[0];
                if (config == null) {
                    return EmperorLoop.Start.of(Effects.SpawnOutcome.started(pid, pipe[0]));
                }
                configFd = config[0];
                ConfigPipe.push(nat, config[0], source.config()); // as Spawner does right after the spawn
                return EmperorLoop.Start.of(Effects.SpawnOutcome.started(pid, pipe[0], config[0]));
            } catch (SpawnException e) {
                return EmperorLoop.Start.of(Effects.SpawnOutcome.failed(e.getMessage(), false, e.errno()));
            }
        };
        loop = new EmperorLoop(TestLoops.settings(new Lifecycle.Settings(1000, 30_000, false, false), 2000, 4000),
                TestLoops.parts(nat, starter, log, System::currentTimeMillis, new Blacklist(1000, 180_000, log),
                        new SnapshotFactory("test", 4242, 0, 0, "/v", List.of("pg://db"), false), () -> { }));
        thread = new Thread(loop::run, "config-pipe-loop");
        thread.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.execute(loop::ragnarok);
        thread.join(10_000);
    }

    static VassalSource row(String config, long ts) {
        return VassalSource.ofConfig("app.ini", config.getBytes(StandardCharsets.UTF_8), Path.of("/srv"), ts * 1_000_000_000L,
                1000, 1000, "pg://db", null);
    }

    void scan(VassalSource s) {
        ScanResult r = new ScanResult(s.monitor(), true, null, List.of(s), List.of());
        loop.execute(() -> loop.applyScan(List.of(r)));
    }

    byte[] pushed() {
        ByteArrayOutputStream out = nat.written.get(configFd);
        return out == null ? new byte[0] : out.toByteArray();
    }

    static byte[] concat(String... configs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String c : configs) {
            out.writeBytes(ConfigPipe.packet(c.getBytes(StandardCharsets.UTF_8)));
        }
        return out.toByteArray();
    }

    @Test
    void byteTwoPushesTheCurrentConfigOncePerRequest() {
        scan(row("[uwsgi]\nv = 1\n", 100));
        Await.until("spawned with its config pushed", () -> configFd >= 0 && pushed().length > 0);
        assertArrayEquals(concat("[uwsgi]\nv = 1\n"), pushed());

        nat.vassalWrites(pipeFd, PipeByte.CONFIG_REQUEST);
        Await.until("pushed again", () -> pushed().length == concat("[uwsgi]\nv = 1\n", "[uwsgi]\nv = 1\n").length);
        assertArrayEquals(concat("[uwsgi]\nv = 1\n", "[uwsgi]\nv = 1\n"), pushed());

        // the row changes: a larger ts reloads (byte 1); the push waits for the vassal's own request
        scan(row("[uwsgi]\nv = 2\n", 101));
        Await.until("reload byte", () -> nat.calls.contains("write " + pipeFd + " " + PipeByte.RELOAD));
        loop.execute(() -> { });
        assertArrayEquals(concat("[uwsgi]\nv = 1\n", "[uwsgi]\nv = 1\n"), pushed(), "no push without a request");
        nat.vassalWrites(pipeFd, PipeByte.CONFIG_REQUEST);
        Await.until("the new config pushed", () -> pushed().length > concat("[uwsgi]\nv = 1\n", "[uwsgi]\nv = 1\n").length);
        assertArrayEquals(concat("[uwsgi]\nv = 1\n", "[uwsgi]\nv = 1\n", "[uwsgi]\nv = 2\n"), pushed());

        int config = configFd;
        nat.vassalClosesPipe(pipeFd);
        Await.until("the config end closed with the pipe", () -> nat.calls.contains("close " + config));
    }

    @Test
    void aFileVassalsByteTwoWritesNothing() {
        scan(new VassalSource("a.ini", Path.of("/v/a.ini"), Path.of("/v"), 1, 0, 0, "/v"));
        Await.until("spawned", () -> pipeFd >= 0 && !nat.spawns.isEmpty());
        nat.vassalWrites(pipeFd, PipeByte.CONFIG_REQUEST, PipeByte.HEARTBEAT);
        Await.until("the bytes were read", () -> loop.snapshot().vassals().get(0).lastHeartbeat() > 0);
        assertEquals(-1, configFd);
        assertTrue(nat.written.isEmpty(), "nothing written anywhere: " + nat.written.keySet());
    }
}
