package dev.emperor.daemon;

import dev.emperor.spawn.Trampoline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.core.Blacklist;
import dev.emperor.core.EmperorLog;
import dev.emperor.core.EmperorLoop;
import dev.emperor.core.Lifecycle;
import dev.emperor.core.TestLoops;
import dev.emperor.core.SnapshotFactory;
import dev.emperor.core.VassalView;
import dev.emperor.internal.FakeNative;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalSource;
import dev.emperor.protocol.UwsgiPacket;
import dev.emperor.spawn.ArgvBuilder;
import dev.emperor.spawn.BinaryResolver;
import dev.emperor.spawn.Spawner;
import dev.emperor.spawn.VassalEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import dev.emperor.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fork-server adoption through the whole loop, with the fake native facade playing the fork
 * server: waiting for the base, the pid reply, a vassal that dies before its reply is read, a pid
 * that never becomes our child, and a base that is never asked for itself.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class AdoptionLoopTest {
    static final String SOCK = "/run/fork.sock";
    FakeNative nat;
    EmperorLoop loop;
    Thread thread;

    @BeforeEach
    void start() {
        nat = new FakeNative();
        EmperorLog log = EmperorLog.standard();
        Spawner spawner = new Spawner(nat, new ArgvBuilder(List.of(), List.of(), List.of(), List.of(), List.of(), List.of()),
                new BinaryResolver(List.of(), null, "/bin/sh", List.of()), new VassalEnvironment(Map.of(), List.of(), List.of()),
                List.of(), new Trampoline(null, null, false, false, List.of(), List.of()));
        SpawnOrAdopt starter = new SpawnOrAdopt(spawner, SOCK, null, List.of("base.ini"), 4000, System::currentTimeMillis);
        loop = new EmperorLoop(TestLoops.settings(new Lifecycle.Settings(30_000, 30_000, false, false, 20, Set.of("base.ini")), 2000, 300),
                TestLoops.parts(nat, starter, log, System::currentTimeMillis, new Blacklist(1000, 180_000, log),
                        new SnapshotFactory("test", 4242, 0, 0, "/v", List.of("/v"), false), () -> { }));
        thread = new Thread(loop::run, "adoption-loop");
        thread.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.execute(loop::ragnarok);
        thread.join(10_000);
    }


    void scan(String... names) {
        List<VassalSource> files = java.util.Arrays.stream(names)
                .map(n -> new VassalSource(n, Path.of("/v", n), Path.of("/v"), 1, 0, 0, "/v")).toList();
        ScanResult r = new ScanResult("/v", true, null, files, List.of());
        loop.execute(() -> loop.applyScan(List.of(r)));
    }

    /** A copy of the fake's call log, taken under its lock (the loop thread appends to it). */
    java.util.stream.Stream<String> calls() {
        synchronized (nat.calls) {
            return List.copyOf(nat.calls).stream();
        }
    }

    VassalView vassal(String id) {
        return loop.snapshot().vassals().stream().filter(v -> v.id().equals(id)).findFirst().orElse(null);
    }

    void replyPid(int fd, String pid) {
        byte[] reply = UwsgiPacket.packet(35, 0, UwsgiPacket.encodeVars(Map.of("pid", pid)));
        int[] bytes = new int[reply.length];
        for (int i = 0; i < reply.length; i++) {
            bytes[i] = reply[i] & 0xff;
        }
        nat.vassalWrites(fd, bytes);
    }

    @Test
    void baseIsSpawnedPlainlyOthersWaitThenAreAdopted() {
        scan("base.ini", "app.ini");
        Await.until("base spawned", () -> nat.spawns.size() == 1);
        assertTrue(nat.spawns.get(0).argv().contains("base.ini"));
        Await.until("app waits for the base", () -> calls().filter(c -> c.equals("connect " + SOCK)).count() >= 2);
        assertEquals(1, nat.spawns.size(), "never a plain spawn of an adopted vassal");
        nat.connectResult = 0;
        Await.until("session sent", () -> calls().anyMatch(c -> c.startsWith("sendfds ")));
        int sessionFd = nat.lastConnectFd;
        nat.parents.put(7001, 4242);
        replyPid(sessionFd, "7001");
        Await.until("adopted", () -> vassal("app.ini") != null && vassal("app.ini").pid() == 7001);
        assertTrue(vassal("app.ini").adopted());
        assertTrue(!vassal("base.ini").adopted());
    }

    @Test
    void vassalThatDiesBeforeItsPidReplyIsStillRespawned() {
        nat.connectResult = 0;
        scan("app.ini");
        Await.until("session sent", () -> calls().anyMatch(c -> c.startsWith("sendfds ")));
        int sessionFd = nat.lastConnectFd;
        nat.vassalExits(7002, 1); // reaped by the loop before anyone knows the pid is ours
        Await.until("reaped by the loop", () -> nat.pendingExits() == 0);
        long connects = calls().filter(c -> c.startsWith("connect ")).count();
        replyPid(sessionFd, "7002");
        Await.until("a new adoption is attempted", () -> calls().filter(c -> c.startsWith("connect ")).count() > connects);
        Await.until("a death before loyalty is blacklisted as usual (the snapshot follows the iteration)",
                () -> loop.snapshot().blacklist().size() == 1);
    }

    @Test
    void pidThatNeverBecomesOurChildIsDroppedAndRetried() {
        nat.connectResult = 0;
        scan("app.ini");
        Await.until("session sent", () -> calls().anyMatch(c -> c.startsWith("sendfds ")));
        nat.parents.put(7003, 1); // somebody else's process
        replyPid(nat.lastConnectFd, "7003");
        Await.until("given up and retried", () -> calls().filter(c -> c.startsWith("connect ")).count() >= 2);
        assertTrue(calls().noneMatch(c -> c.startsWith("kill 7003")), "a pid that is not ours is never signalled");
    }

    @Test
    void garbageReplyIsThrottledNotLost() {
        nat.connectResult = 0;
        scan("app.ini");
        Await.until("session sent", () -> calls().anyMatch(c -> c.startsWith("sendfds ")));
        replyPid(nat.lastConnectFd, "-12");
        Await.until("blacklisted", () -> loop.snapshot().blacklist().size() == 1);
        Await.until("retried", () -> calls().filter(c -> c.startsWith("connect ")).count() >= 2);
    }

    @Test
    void forkServerAttributeNamesAPerVassalForkServer() {
        Spawner spawner = new Spawner(nat, new ArgvBuilder(List.of(), List.of(), List.of(), List.of(), List.of(), List.of()),
                new BinaryResolver(List.of(), null, "/bin/sh", List.of()), new VassalEnvironment(Map.of(), List.of(), List.of()),
                List.of(), new Trampoline(null, null, false, false, List.of(), List.of()));
        SpawnOrAdopt starter = new SpawnOrAdopt(spawner, null, "fork-server", List.of(), 4000, System::currentTimeMillis);
        VassalSource withAttr = new VassalSource("a.ini", Path.of("/v/a.ini"), Path.of("/v"), 1, 0, 0, "/v",
                Map.of("fork-server", "/run/other.sock"));
        VassalSource without = new VassalSource("b.ini", Path.of("/v/b.ini"), Path.of("/v"), 1, 0, 0, "/v");
        assertEquals(dev.emperor.core.Effects.SpawnOutcome.Kind.WAIT_FOR_BASE, starter.start(withAttr, -1).outcome().kind());
        assertTrue(calls().anyMatch(c -> c.equals("connect /run/other.sock")));
        assertEquals(dev.emperor.core.Effects.SpawnOutcome.Kind.STARTED, starter.start(without, -1).outcome().kind(),
                "no attribute and no global fork server: a plain spawn");
    }
}
