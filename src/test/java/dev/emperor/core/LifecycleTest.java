package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.Reaped;
import dev.emperor.source.VassalSource;
import dev.emperor.protocol.PipeByte;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The state × event table of {@link Lifecycle}, row by row, with a fake clock and fake effects. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LifecycleTest {
    static final long T0 = 1_800_000_000_000L;
    long now = T0;
    RecordingEffects fx;
    Blacklist blacklist;
    Lifecycle lc;

    @BeforeEach
    void setUp() {
        fx = new RecordingEffects();
        EmperorLog log = new EmperorLog(null, () -> now);
        blacklist = new Blacklist(1000, 180_000, log);
        lc = new Lifecycle(fx, blacklist, log, new Lifecycle.Settings(30_000, 30_000, false, false));
    }

    static VassalSource file(String name, long mtimeNanos) {
        return new VassalSource(name, Path.of("/v/" + name), Path.of("/v"), mtimeNanos, 33, 33, "/v");
    }

    @Test
    void newFileSpawnsAndRecordsUwsgiFields() {
        Vassal v = lc.fileAppeared(file("a.ini", 5_500_000_000L), now, false);
        assertEquals(VassalState.RUNNING, v.state);
        assertEquals(1000, v.pid);
        assertEquals("spawn a.ini", fx.last());
        VassalView view = v.view(0);
        assertEquals(5, view.born());
        assertEquals(5, view.lastMod());
        assertEquals(T0 / 1000, view.firstRun());
    }

    @Test
    void newerMtimeReloadsEvenWithinTheSameSecond() {
        Vassal v = lc.fileAppeared(file("a.ini", 5_100_000_000L), now, false);
        lc.fileSeen(v, file("a.ini", 5_200_000_000L), now);
        assertEquals("send a.ini 1", fx.last());
        assertEquals(1, v.respawns);
        lc.fileSeen(v, file("a.ini", 5_200_000_000L), now);
        lc.fileSeen(v, file("a.ini", 4_000_000_000L), now);
        assertEquals(1, v.respawns, "same or older mtime must not reload");
    }

    @Test
    void removedFileStopsThenReapForgets() {
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        lc.fileGone(v, now);
        assertEquals("send a.ini 0", fx.last());
        assertEquals(VassalState.STOPPING, v.state);
        lc.pipeEof(v, now);
        lc.reaped(v, Reaped.exit(v.pid, 0), now);
        assertEquals("forget a.ini", fx.last());
    }

    @Test
    void gracefulShutdownSendsByteTwo() {
        lc = new Lifecycle(fx, blacklist, new EmperorLog(null, () -> now), new Lifecycle.Settings(30_000, 30_000, true, false));
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        lc.fileGone(v, now);
        assertEquals("send a.ini 2", fx.last());
    }

    @Test
    void stubbornVassalIsKilledAfterCurseToleranceAndAgainEachPeriod() {
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        lc.fileGone(v, now);
        now += 29_999;
        lc.tick(v, now);
        assertEquals("send a.ini 0", fx.last());
        now += 1;
        lc.tick(v, now);
        assertEquals("kill a.ini 9", fx.last());
        assertEquals(now + 30_000, lc.nextDeadline(v));
    }

    @Test
    void crashOfLoyalVassalRespawnsAtOnceWithAFreshRecord() {
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        lc.pipeByte(v, PipeByte.LOYAL, now);
        lc.fileSeen(v, file("a.ini", 2), now);
        assertEquals(1, v.respawns);
        now += 5000;
        lc.reaped(v, Reaped.killed(v.pid, 9), now);
        assertEquals("spawn a.ini", fx.last());
        assertEquals(VassalState.RUNNING, v.state);
        assertEquals(1001, v.pid);
        assertEquals(0, v.respawns, "uWSGI re-creates the record on a crash");
        assertFalse(v.loyal);
        assertEquals(0, blacklist.size());
    }

    @Test
    void crashBeforeLoyaltyIsBlacklistedWithUwsgiThrottleSequence() {
        Vassal v = lc.fileAppeared(file("bad.ini", 1), now, false);
        lc.reaped(v, Reaped.exit(v.pid, 1), now);
        assertEquals(1, blacklist.throttleMs("bad.ini"));
        assertEquals(VassalState.THROTTLED, v.state);
        now += 1;
        lc.tick(v, now);
        assertEquals(VassalState.RUNNING, v.state);
        lc.reaped(v, Reaped.exit(v.pid, 1), now);
        assertEquals(1001, blacklist.throttleMs("bad.ini"));
        assertEquals(now + 1001, v.spawnAt);
        now += 1000;
        lc.tick(v, now);
        assertEquals(VassalState.THROTTLED, v.state, "window still open");
        now += 1;
        lc.tick(v, now);
        assertEquals(VassalState.RUNNING, v.state);
        lc.reaped(v, Reaped.exit(v.pid, 1), now);
        assertEquals(2001, blacklist.throttleMs("bad.ini"));
        assertEquals(2, blacklist.views().get(0).attempt());
    }

    @Test
    void loyaltyClearsTheBlacklist() {
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        lc.reaped(v, Reaped.exit(v.pid, 1), now);
        now += 10;
        lc.tick(v, now);
        lc.pipeByte(v, PipeByte.LOYAL, now);
        assertEquals(0, blacklist.size());
    }

    @Test
    void noBlacklistOptionRespawnsWithoutThrottle() {
        lc = new Lifecycle(fx, blacklist, new EmperorLog(null, () -> now), new Lifecycle.Settings(30_000, 30_000, false, true));
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        lc.reaped(v, Reaped.exit(v.pid, 1), now);
        assertEquals(VassalState.RUNNING, v.state);
        assertEquals(0, blacklist.size());
    }

    @Test
    void exileCodeIsNotRespawnedUntilTheConfigChanges() {
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        lc.reaped(v, Reaped.exit(v.pid, 26), now);
        assertEquals(VassalState.EXILED, v.state);
        lc.tick(v, now + 100_000);
        assertEquals(VassalState.EXILED, v.state);
        lc.fileSeen(v, file("a.ini", 1), now);
        assertEquals(VassalState.EXILED, v.state);
        lc.fileSeen(v, file("a.ini", 2), now);
        assertEquals(VassalState.RUNNING, v.state);
    }

    @Test
    void pipeEofCursesAndDeathAfterCurseIsACrash() {
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        lc.pipeByte(v, PipeByte.LOYAL, now);
        lc.pipeEof(v, now);
        assertEquals(VassalState.CURSED, v.state);
        assertEquals(T0, v.cursedAt);
        lc.reaped(v, Reaped.exit(v.pid, 1), now);
        assertEquals(VassalState.RUNNING, v.state, "file still there: respawned");
    }

    @Test
    void heartbeatTimeoutKillsOnceAndDisarms() {
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        lc.tick(v, now + 100_000);
        assertEquals("spawn a.ini", fx.last(), "not armed before the first heartbeat");
        lc.pipeByte(v, PipeByte.HEARTBEAT, now);
        now += 30_000;
        lc.tick(v, now);
        assertEquals("spawn a.ini", fx.last(), "exactly the tolerance is still fine");
        now += 1;
        lc.tick(v, now);
        assertEquals("kill a.ini 9", fx.last());
        assertEquals(0, v.lastHeartbeat);
        int calls = fx.calls.size();
        lc.tick(v, now + 100_000);
        assertEquals(calls, fx.calls.size());
    }

    @Test
    void aPauseOfTheEmperorRestartsTheHeartbeatWindowOnce() {
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        lc.pipeByte(v, PipeByte.HEARTBEAT, now);
        now += 60_000; // the Emperor was stopped for a minute
        lc.freshWindow(v, now);
        assertEquals(now + 30_001, lc.nextDeadline(v));
        lc.tick(v, now + 30_000);
        assertEquals("spawn a.ini", fx.last(), "a full window after the pause");
        assertEquals(T0 / 1000, v.view(0).lastHeartbeat(), "the stats keep the real last heartbeat");
        lc.tick(v, now + 30_001);
        assertEquals("kill a.ini 9", fx.last(), "one window only");
    }

    @Test
    void noSpawnSlotLeavesTheVassalDueForTheNextIteration() {
        fx.spawnSlots = 0;
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        assertEquals(VassalState.THROTTLED, v.state);
        assertEquals(now, lc.nextDeadline(v), "due at once");
        assertEquals(0, blacklist.size(), "not a failure: no blacklist entry");
        fx.spawnSlots = 1;
        lc.tick(v, now);
        assertEquals(VassalState.RUNNING, v.state);
        assertEquals("spawn a.ini", fx.last());
    }

    @Test
    void voluntaryStopComesBack() {
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        lc.pipeByte(v, PipeByte.VOLUNTARY_STOP, now);
        assertEquals("send a.ini 0", fx.last());
        lc.reaped(v, Reaped.exit(v.pid, 0), now);
        assertTrue(fx.calls.contains("spawn a.ini"));
        assertEquals(VassalState.THROTTLED, v.state, "never loyal: blacklisted for 1 ms like uWSGI");
    }

    @Test
    void ragnarokStopsRunningAndForgetsThrottled() {
        Vassal a = lc.fileAppeared(file("a.ini", 1), now, false);
        Vassal b = lc.fileAppeared(file("b.ini", 1), now, false);
        lc.reaped(b, Reaped.exit(b.pid, 1), now);
        lc.reaped(b, Reaped.exit(-1, 1), now); // stale reap on a throttled record is ignored
        lc.ragnarok(a, now);
        lc.ragnarok(b, now);
        assertTrue(fx.calls.contains("send a.ini 0"));
        assertTrue(fx.calls.contains("forget b.ini"));
        lc.reaped(a, Reaped.exit(a.pid, 0), now);
        assertEquals("forget a.ini", fx.last());
    }

    @Test
    void removalDuringCurseMeansDeathForgets() {
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        lc.pipeEof(v, now);
        lc.fileGone(v, now);
        lc.reaped(v, Reaped.exit(v.pid, 1), now);
        assertEquals("forget a.ini", fx.last());
    }

    @Test
    void brokenPipeOnReloadCurses() {
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        fx.pipeBroken = true;
        lc.fileSeen(v, file("a.ini", 2), now);
        assertEquals(VassalState.CURSED, v.state);
    }

    @Test
    void sighupReloadsRunningVassalsAndSetsLastModToNow() {
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        lc.reloadAll(v, now, now);
        assertEquals("send a.ini 1", fx.last());
        assertEquals(T0 / 1000, v.view(0).lastMod());
    }

    @Test
    void spawnFailureThrottlesAndNeverSpins() {
        fx.nextOutcome = Effects.SpawnOutcome.failed("EAGAIN", false);
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        assertEquals(VassalState.THROTTLED, v.state);
        assertTrue(v.spawnAt >= now + 1000);
    }

    @Test
    void missingBinaryExiles() {
        fx.nextOutcome = Effects.SpawnOutcome.failed("no uwsgi", true);
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        assertEquals(VassalState.EXILED, v.state);
    }

    @Test
    void adoptedVassalExitingOnReloadIsReadoptedWithoutPenalty() {
        fx.nextOutcome = Effects.SpawnOutcome.adopting(77);
        Vassal v = lc.fileAppeared(file("a.ini", 1), now, false);
        lc.adopted(v, 4321, null, now);
        lc.fileSeen(v, file("a.ini", 2), now);
        assertEquals("send a.ini 1", fx.last());
        lc.reaped(v, Reaped.exit(4321, 0), now);
        assertEquals("spawn a.ini", fx.last());
        assertEquals(0, blacklist.size(), "an expected reload exit is not a failure");
    }
}
