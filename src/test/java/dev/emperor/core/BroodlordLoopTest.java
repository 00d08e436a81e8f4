package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.FakeNative;
import dev.emperor.protocol.PipeByte;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalSource;
import dev.emperor.testing.Await;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** emperor-broodlord with the fake native facade: SOS bytes in, zerg records and their spawns out. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class BroodlordLoopTest {
    FakeNative nat;
    EmperorLoop loop;
    Thread thread;

    void start(int broodlord) {
        nat = new FakeNative();
        EmperorLog log = EmperorLog.standard();
        loop = new EmperorLoop(TestLoops.settings(new Lifecycle.Settings(1000, 30_000, false, false, 100, java.util.Set.of(),
                        false, broodlord), 2000, 4000),
                TestLoops.parts(nat, FakeStarters.plain(nat), log, System::currentTimeMillis, new Blacklist(1000, 180_000, log),
                        new SnapshotFactory("test", 4242, 0, 0, "/v", List.of("/v"), false), () -> { }));
        thread = new Thread(loop::run, "test-loop");
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

    static VassalSource file(String name) {
        return new VassalSource(name, Path.of("/v", name), Path.of("/v"), 1_000_000_000L, 0, 0, "/v", Map.of(), null, null);
    }

    VassalView vassal(String id) {
        return loop.snapshot().vassals().stream().filter(v -> v.id().equals(id)).findFirst().orElse(null);
    }

    /** Sends {@code bytes} then a heartbeat-free marker (17, loyal) and waits until the loop has read them all. */
    void send(int fd, String vassal, int... bytes) {
        nat.vassalWrites(fd, bytes);
        nat.vassalWrites(fd, PipeByte.LOYAL);
        Await.until(vassal + " read its bytes", () -> vassal(vassal) != null && vassal(vassal).loyal());
    }

    @Test
    void sosStartsZergsOfTheSameFileUpToNAndIdleZergsGoAway() {
        start(2);
        scan(file("a.ini"));
        Await.until("a.ini spawned", () -> nat.spawns.size() == 1);
        nat.vassalWrites(50, PipeByte.BROODLORD);
        Await.until("first zerg", () -> nat.spawns.size() == 2 && vassal("a.ini:zerg") != null);
        assertEquals(List.of("uwsgi", "--ini", "a.ini:zerg"), nat.spawns.get(1).argv(), "the [zerg] section of a.ini");
        assertTrue(vassal("a.ini:zerg").zerg());
        assertFalse(vassal("a.ini").zerg());
        nat.vassalWrites(50, PipeByte.BROODLORD);
        Await.until("second zerg", () -> nat.spawns.size() == 3 && vassal("a.ini:zerg#2") != null);
        assertEquals(List.of("uwsgi", "--ini", "a.ini:zerg"), nat.spawns.get(2).argv(), "every zerg reads the same section");

        send(50, "a.ini", PipeByte.BROODLORD, PipeByte.BROODLORD);
        assertEquals(3, nat.spawns.size(), "N zergs run: more SOS start none");
        send(52, "a.ini:zerg", PipeByte.BROODLORD);
        assertEquals(3, nat.spawns.size(), "a zerg's own SOS starts nothing");

        // the scans list a.ini only: the zergs have no file and stay
        scan(file("a.ini"));
        scan(file("a.ini"));
        send(54, "a.ini:zerg#2");
        assertFalse(nat.calls.contains("write 52 0") || nat.calls.contains("write 54 0"), nat.calls.toString());

        // die-on-idle: byte 22 stops the zerg, its death ends the record, nothing respawns it
        nat.vassalWrites(52, PipeByte.VOLUNTARY_STOP);
        Await.until("stop byte to the zerg", () -> nat.calls.contains("write 52 0"));
        nat.vassalClosesPipe(52);
        nat.vassalExits(5001, 0);
        Await.until("zerg removed", () -> vassal("a.ini:zerg") == null);
        send(50, "a.ini");
        assertEquals(3, nat.spawns.size(), "an idle zerg is not respawned");

        // room again: the next SOS takes the free name
        nat.vassalWrites(50, PipeByte.BROODLORD);
        Await.until("a new first zerg", () -> nat.spawns.size() == 4 && vassal("a.ini:zerg") != null);

        // a.ini removed: its zergs are stopped with it
        scan();
        Await.until("stop bytes to a.ini and both zergs", () -> nat.calls.contains("write 50 0")
                && nat.calls.contains("write 54 0") && nat.calls.contains("write 56 0"));
    }

    @Test
    void aZergThatExitsWithTheExileCodeIsForgottenNotExiled() {
        start(1);
        scan(file("a.ini"));
        Await.until("a.ini spawned", () -> nat.spawns.size() == 1);
        nat.vassalWrites(50, PipeByte.BROODLORD);
        Await.until("zerg", () -> vassal("a.ini:zerg") != null && vassal("a.ini:zerg").pid() == 5001);
        nat.vassalClosesPipe(52);
        nat.vassalExits(5001, PipeByte.EXILE_CODE);
        Await.until("zerg gone", () -> vassal("a.ini:zerg") == null
                && loop.snapshot().waiting().stream().noneMatch(v -> v.id().startsWith("a.ini:zerg")));
        nat.vassalWrites(50, PipeByte.BROODLORD);
        Await.until("room for a new zerg", () -> nat.spawns.size() == 3 && vassal("a.ini:zerg") != null);
    }

    @Test
    void withoutBroodlordSosIsIgnored() {
        start(0);
        scan(file("a.ini"));
        Await.until("a.ini spawned", () -> nat.spawns.size() == 1);
        send(50, "a.ini", PipeByte.BROODLORD, PipeByte.BROODLORD);
        assertEquals(1, nat.spawns.size());
        assertNull(vassal("a.ini:zerg"));
    }
}
