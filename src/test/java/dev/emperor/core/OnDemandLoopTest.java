package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.FakeNative;
import dev.emperor.internal.SpawnException;
import dev.emperor.internal.SpawnRequest;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalSource;
import dev.emperor.protocol.PipeByte;
import dev.emperor.testing.Await;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** On-demand vassals through the loop with the fake facade: listening fd in the poller, fd 0, re-arming, Ragnarok. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class OnDemandLoopTest {
    FakeNative nat;
    EmperorLoop loop;
    Thread thread;
    volatile int exitStatus = -1;

    /** Plain spawns like FakeStarters.plain, plus the on-demand socket on fd 0. */
    static EmperorLoop.VassalStarter starter(FakeNative nat) {
        return new EmperorLoop.VassalStarter() {
            @Override
            public EmperorLoop.Start start(VassalSource f, int onDemandFd) {
                int[] pair = nat.socketpair();
                Map<Integer, Integer> fds = new HashMap<>(Map.of(3, pair[1]));
                if (onDemandFd >= 0) {
                    fds.put(0, onDemandFd);
                }
                try {
                    int pid = nat.spawn(new SpawnRequest("/usr/bin/uwsgi", List.of("uwsgi", "--ini", f.name()), List.of(),
                            f.cwd().toString(), fds, true));
                    return EmperorLoop.Start.of(Effects.SpawnOutcome.started(pid, pair[0]));
                } catch (SpawnException e) {
                    return EmperorLoop.Start.of(Effects.SpawnOutcome.failed(e.getMessage(), false));
                }
            }
        };
    }

    @BeforeEach
    void start() {
        nat = new FakeNative();
        EmperorLog log = EmperorLog.standard();
        loop = new EmperorLoop(new LoopSettings(new Lifecycle.Settings(1000, 30_000, false, false), 2000, 4000, 42, name -> false),
                TestLoops.parts(nat, starter(nat), log, System::currentTimeMillis, new Blacklist(1000, 180_000, log),
                        new SnapshotFactory("test", 4242, 0, 0, "/v", List.of("/v"), false), () -> { }));
        thread = new Thread(() -> exitStatus = loop.run(), "test-loop");
        thread.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.execute(loop::ragnarok);
        thread.join(10_000);
    }

    void scan(VassalSource... files) {
        ScanResult r = new ScanResult("/v", true, null, List.of(files), List.of());
        loop.execute(() -> loop.applyScan(List.of(r)));
    }

    static VassalSource file(String name, String socket) {
        return new VassalSource(name, Path.of("/v", name), Path.of("/v"), 1, 0, 0, "/v", Map.of(), null, socket);
    }

    VassalView vassal(String id) {
        return loop.snapshot().vassals().stream().filter(v -> v.id().equals(id)).findFirst().orElse(null);
    }

    int listenFd() {
        synchronized (nat.listening) {
            return nat.listening.keySet().iterator().next();
        }
    }

    @Test
    void sleepsSpawnsOnConnectionWithFdZeroAndGoesBackToSleep() {
        scan(file("od.ini", "/run/od.sock"));
        Await.until("asleep", () -> vassal("od.ini") != null && "on_demand".equals(vassal("od.ini").state()));
        assertTrue(nat.calls.contains("listen unix /run/od.sock backlog 42"), nat.calls.toString());
        assertEquals(-1, vassal("od.ini").pid());
        assertEquals("/run/od.sock", vassal("od.ini").onDemand());
        assertTrue(nat.spawns.isEmpty(), "no vassal before the first connection");
        int lfd = listenFd();
        assertTrue(nat.isPolled(lfd));

        nat.clientConnects(lfd);
        Await.until("spawned", () -> nat.spawns.size() == 1);
        assertEquals(lfd, nat.spawns.get(0).fds().get(0), "the socket is the vassal's fd 0");
        Await.until("running", () -> vassal("od.ini").pid() > 0);
        assertFalse(nat.isPolled(lfd), "the Emperor stops watching while the vassal serves");

        int pipe = 50 + 1; // listen fd 50, then the socketpair 51/52
        int pid = vassal("od.ini").pid();
        nat.vassalWrites(pipe, PipeByte.VOLUNTARY_STOP);
        Await.until("stop byte", () -> nat.calls.contains("write " + pipe + " 0"));
        nat.vassalClosesPipe(pipe);
        nat.vassalExits(pid, 0);
        Await.until("asleep again", () -> "on_demand".equals(vassal("od.ini").state()) && vassal("od.ini").pid() == -1);
        assertTrue(nat.isPolled(lfd), "re-armed");
        assertFalse(nat.calls.contains("close " + lfd), "the socket stayed open");

        nat.clientConnects(lfd);
        Await.until("spawned again", () -> nat.spawns.size() == 2);
    }

    @Test
    void removalClosesTheSocketAndRagnarokSignalsNobody() throws InterruptedException {
        scan(file("a.ini", "127.0.0.1:0"), file("b.ini", ":0"));
        Await.until("two asleep", () -> vassal("a.ini") != null && vassal("b.ini") != null
                && vassal("a.ini").pid() == -1 && vassal("b.ini").pid() == -1);
        assertTrue(nat.calls.contains("listen tcp 127.0.0.1:0 backlog 42"));
        assertTrue(nat.calls.contains("listen tcp :0 backlog 42"));
        scan(file("b.ini", ":0"));
        Await.until("a gone", () -> vassal("a.ini") == null);
        assertEquals(1, nat.listening.size(), "a's socket closed");
        loop.execute(loop::ragnarok);
        thread.join(5000);
        assertEquals(0, exitStatus);
        assertTrue(nat.calls.stream().noneMatch(c -> c.startsWith("kill")), "nothing to signal: " + nat.calls);
        assertTrue(nat.listening.isEmpty(), "every socket closed");
    }

    /**
     * uWSGI's kill(-1) reproduction (lifecycle §11): two sleeping on-demand vassals and one vassal
     * ignoring its stop byte; after reload-mercy only the stubborn one's pid and group are signalled.
     */
    @Test
    void ragnarokWithSleepersAndAStubbornVassalNeverSignalsMinusOne() throws InterruptedException {
        scan(file("od1.ini", "/run/od1.sock"), file("od2.ini", "/run/od2.sock"), file("stubborn.ini", null));
        Await.until("two asleep, one running", () -> nat.spawns.size() == 1 && nat.listening.size() == 2);
        int stubborn = 5000;
        loop.execute(loop::ragnarok);
        Await.until("no mercy", () -> nat.calls.contains("killGroup " + stubborn + " 9"));
        thread.join(10_000);
        assertEquals(0, exitStatus);
        synchronized (nat.calls) {
            assertTrue(nat.calls.stream().filter(c -> c.startsWith("kill")).allMatch(c -> c.matches("kill(Group)? " + stubborn + " 9")),
                    nat.calls.toString());
        }
        assertTrue(nat.listening.isEmpty());
    }

    @Test
    void relativeUnixNameBindsInTheVassalsDirectoryAsUwsgisScanDoes() {
        scan(file("r.ini", "r.sock"));
        Await.until("asleep", () -> vassal("r.ini") != null && "on_demand".equals(vassal("r.ini").state()));
        assertTrue(nat.calls.contains("listen unix /v/r.sock backlog 42"), nat.calls.toString());
        assertEquals("r.sock", vassal("r.ini").onDemand(), "the stats keep the name as given");
    }

    @Test
    void bindFailureIsThrottledAndHidden() {
        nat.listenResult = -98;
        scan(file("a.ini", "/run/a.sock"));
        Await.until("blacklisted", () -> loop.snapshot().blacklist().size() == 1);
        assertEquals(null, vassal("a.ini"));
        nat.listenResult = 0;
        Await.until("bound at the retry", () -> vassal("a.ini") != null && "on_demand".equals(vassal("a.ini").state()));
        assertTrue(nat.spawns.isEmpty());
    }
}
