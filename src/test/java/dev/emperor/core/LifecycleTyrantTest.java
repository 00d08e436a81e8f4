package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.emperor.internal.Reaped;
import dev.emperor.source.VassalSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The Tyrant rows of {@link Lifecycle}'s table: REFUSED and the owner change of a running vassal. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LifecycleTyrantTest {
    static final long T0 = 1_800_000_000_000L;
    static final String ROOT_REFUSAL = "[emperor-tyrant] invalid permissions for vassal a.ini";
    long now = T0;
    RecordingEffects fx;
    Blacklist blacklist;
    Lifecycle lc;
    final Logger logger = (Logger) LoggerFactory.getLogger("emperor");
    final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    final ch.qos.logback.classic.Level levelBefore = logger.getLevel();

    @BeforeEach
    void setUp() {
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
        fx = new RecordingEffects();
        EmperorLog log = new EmperorLog(null, () -> now);
        blacklist = new Blacklist(1000, 180_000, log);
        lc = new Lifecycle(fx, blacklist, log, new Lifecycle.Settings(30_000, 30_000, false, false, 100, Set.of(), true));
    }

    @AfterEach
    void tearDown() {
        logger.detachAppender(appender);
        logger.setLevel(levelBefore);
    }

    List<String> lines() {
        synchronized (appender) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    long count(String line) {
        return lines().stream().filter(line::equals).count();
    }

    static VassalSource file(long mtimeNanos, int uid, int gid, String refusal) {
        return new VassalSource("a.ini", Path.of("/v/a.ini"), Path.of("/v"), mtimeNanos, uid, gid, "/v", Map.of(), refusal, null);
    }

    @Test
    void refusedFileIsNeverSpawnedLoggedOnceAndBlacklisted() {
        Vassal v = lc.fileAppeared(file(1, 0, 0, ROOT_REFUSAL), now, false);
        assertEquals(VassalState.REFUSED, v.state);
        assertEquals(-1, v.pid);
        assertFalse(fx.calls.contains("spawn a.ini"));
        assertEquals(1, blacklist.views().size());
        assertEquals("a.ini", blacklist.views().get(0).id());
        assertEquals(0, blacklist.views().get(0).throttleLevel());
        for (int scan = 0; scan < 5; scan++) {
            now += 1000;
            lc.fileSeen(v, file(1, 0, 0, ROOT_REFUSAL), now);
            lc.tick(v, now);
        }
        assertEquals(VassalState.REFUSED, v.state);
        assertFalse(fx.calls.contains("spawn a.ini"));
        assertEquals(1, count(ROOT_REFUSAL), "logged once per change, not at every scan as uWSGI does");
        assertEquals(Long.MAX_VALUE, lc.nextDeadline(v));
    }

    @Test
    void refusedFileThatChangesButStaysRefusedIsLoggedAgain() {
        Vassal v = lc.fileAppeared(file(1, 0, 0, ROOT_REFUSAL), now, false);
        lc.fileSeen(v, file(2_000_000_000L, 0, 0, ROOT_REFUSAL), now);
        assertEquals(2, count(ROOT_REFUSAL));
        lc.fileSeen(v, file(2_000_000_000L, 1001, 0, ROOT_REFUSAL), now);
        assertEquals(3, count(ROOT_REFUSAL));
        assertEquals(VassalState.REFUSED, v.state);
        assertFalse(fx.calls.contains("spawn a.ini"));
    }

    @Test
    void refusedFileBecomingAcceptableSpawnsAndLeavesTheBlacklist() {
        Vassal v = lc.fileAppeared(file(1, 0, 0, ROOT_REFUSAL), now, false);
        lc.fileSeen(v, file(1, 1001, 1001, null), now);
        assertEquals(VassalState.RUNNING, v.state);
        assertEquals("spawn a.ini", fx.last());
        assertTrue(blacklist.views().isEmpty());
        assertTrue(lines().contains("[emperor-tyrant] dropping privileges to 1001 1001 for instance a.ini"));
    }

    @Test
    void refusedFileRemovedIsForgottenAndLeavesTheBlacklist() {
        Vassal v = lc.fileAppeared(file(1, 0, 0, ROOT_REFUSAL), now, false);
        lc.fileGone(v, now);
        assertEquals("forget a.ini", fx.last());
        assertTrue(blacklist.views().isEmpty());
    }

    @Test
    void refusedFileIsForgottenByRagnarok() {
        Vassal v = lc.fileAppeared(file(1, 0, 0, ROOT_REFUSAL), now, false);
        lc.ragnarok(v, now);
        assertEquals("forget a.ini", fx.last());
        assertTrue(blacklist.views().isEmpty());
    }

    @Test
    void sigurgKeepsRefusalsButLiftsPenalties() {
        lc.fileAppeared(file(1, 0, 0, ROOT_REFUSAL), now, false);
        blacklist.add("b.ini", now);
        blacklist.clear();
        assertEquals(List.of("a.ini"), blacklist.views().stream().map(BlacklistView::id).toList());
    }

    @Test
    void ownerChangeOfARunningVassalStopsItAndTheNextScanReaddsIt() {
        Vassal v = lc.fileAppeared(file(1, 1001, 1001, null), now, false);
        assertEquals(VassalState.RUNNING, v.state);
        lc.fileSeen(v, file(1, 1002, 1002, null), now);
        assertEquals(VassalState.STOPPING, v.state);
        assertEquals(StopReason.PERMISSIONS, v.stopReason);
        assertEquals("send a.ini 0", fx.last());
        assertTrue(lines().contains("!!! permissions of file a.ini changed. stopping the instance... !!!"));
        lc.reaped(v, Reaped.exit(v.pid, 0), now);
        assertEquals("forget a.ini", fx.last(), "the record goes; the next scan re-adds it as the new owner");
    }

    @Test
    void runningVassalWhoseFileBecomesRefusedIsStopped() {
        Vassal v = lc.fileAppeared(file(1, 1001, 1001, null), now, false);
        lc.fileSeen(v, file(1, 1001, 1001, "[emperor-tyrant] invalid permissions for vassal a.ini: symlink ..."), now);
        assertEquals(VassalState.STOPPING, v.state);
        assertEquals(StopReason.PERMISSIONS, v.stopReason);
    }

    @Test
    void crashRespawnAfterAnOwnerChangeIsRefusedNotSpawnedAsTheNewOwner() {
        Vassal v = lc.fileAppeared(file(1, 1001, 1001, null), now, false);
        v.state = VassalState.STOPPING; // e.g. a voluntary stop under way: owner changes are not re-checked then
        v.stopReason = StopReason.VOLUNTARY;
        lc.fileSeen(v, file(1, 0, 0, ROOT_REFUSAL), now);
        int spawns = (int) fx.calls.stream().filter("spawn a.ini"::equals).count();
        lc.reaped(v, Reaped.exit(v.pid, 1), now);
        assertEquals(VassalState.REFUSED, v.state);
        assertEquals(spawns, fx.calls.stream().filter("spawn a.ini"::equals).count());
    }

    @Test
    void withoutTyrantAnOwnerChangeIsOnlyRecorded() {
        lc = new Lifecycle(fx, blacklist, new EmperorLog(null, () -> now), new Lifecycle.Settings(30_000, 30_000, false, false));
        Vassal v = lc.fileAppeared(file(1, 1001, 1001, null), now, false);
        lc.fileSeen(v, file(1, 1002, 1002, null), now);
        assertEquals(VassalState.RUNNING, v.state);
        assertFalse(lines().stream().anyMatch(l -> l.contains("dropping privileges")));
    }

    @Test
    void refusedVassalsAreHiddenFromUwsgiStatsButListedAsRefused() {
        Vassal v = lc.fileAppeared(file(1, 0, 0, ROOT_REFUSAL), now, false);
        assertEquals("refused", v.view(0).state());
    }

    static VassalSource onDemandFile(long mtimeNanos, int uid, String refusal) {
        return new VassalSource("a.ini", Path.of("/v/a.ini"), Path.of("/v"), mtimeNanos, uid, uid, "/v", Map.of(), refusal,
                "/run/a.sock");
    }

    @Test
    void onDemandVassalRefusedWhileAsleepClosesItsSocketAndBindsAgainWhenAcceptable() {
        Vassal v = lc.fileAppeared(onDemandFile(1, 1001, null), now, false);
        assertEquals(VassalState.ON_DEMAND, v.state);
        assertTrue(v.listenFd >= 0);
        fx.calls.clear();
        // chown root: asleep, nothing to stop; the socket must not stay bound for a vassal nobody may run
        lc.fileSeen(v, onDemandFile(2, 0, ROOT_REFUSAL), now);
        assertEquals(VassalState.REFUSED, v.state);
        assertEquals(-1, v.listenFd, "socket closed");
        assertTrue(fx.calls.contains("closeSocket a.ini"), fx.calls.toString());
        assertFalse(fx.calls.stream().anyMatch(c -> c.startsWith("spawn")), fx.calls.toString());
        // chown back to a user: bound and asleep again, still not spawned before a connection
        lc.fileSeen(v, onDemandFile(3, 1001, null), now);
        assertEquals(VassalState.ON_DEMAND, v.state);
        assertTrue(v.listenFd >= 0, "bound again");
        assertFalse(fx.calls.stream().anyMatch(c -> c.startsWith("spawn")), fx.calls.toString());
    }

    @Test
    void connectionToAnOnDemandVassalWhoseFileTurnedRefusedSpawnsNothing() {
        Vassal v = lc.fileAppeared(onDemandFile(1, 1001, null), now, false);
        v.file = onDemandFile(1, 0, ROOT_REFUSAL); // the refusal arrives with the connection, before any scan
        lc.onDemandConnection(v, now);
        assertEquals(VassalState.REFUSED, v.state);
        assertEquals(-1, v.listenFd);
        assertFalse(fx.calls.stream().anyMatch(c -> c.startsWith("spawn")), fx.calls.toString());
    }

    @Test
    void refusedOnDemandFileAfterAThrottleGetsNoSocket() {
        // a crash put it in THROTTLED; its file turned refused meanwhile: the tick must not bind
        Vassal v = lc.fileAppeared(onDemandFile(1, 1001, null), now, false);
        lc.onDemandConnection(v, now);
        assertEquals(VassalState.RUNNING, v.state);
        v.file = onDemandFile(1, 0, ROOT_REFUSAL);
        lc.reaped(v, Reaped.exit(v.pid, 1), now);
        now += 200_000;
        lc.tick(v, now);
        assertEquals(VassalState.REFUSED, v.state);
        assertEquals(-1, v.listenFd, "a refused file holds no socket");
    }

    @Test
    void refusalKeepsTheThrottleWindowOfAnEarlierFailure() {
        blacklist.add("a.ini", now);
        long until = blacklist.blockedUntil("a.ini");
        now += 500;
        lc.fileAppeared(file(1, 0, 0, ROOT_REFUSAL), now, false);
        assertEquals(until, blacklist.blockedUntil("a.ini"), "a refusal must not push back the window");
    }

    @Test
    void socketRefusedThenAcceptedSleepsOnTheCheckedSocket() {
        // Tyrant refused the socket's directory: the record has no usable name yet
        VassalSource refused = new VassalSource("a.ini", Path.of("/v/a.ini"), Path.of("/v"), 1, 1001, 1001, "/v", Map.of(),
                "[emperor-tyrant] invalid permissions for vassal a.ini: on-demand socket \"/tmp/a.sock\" refused", "/tmp/a.sock");
        Vassal v = lc.fileAppeared(refused, now, false);
        assertEquals(VassalState.REFUSED, v.state);
        assertEquals(-1, v.listenFd);
        // the sidecar now names a socket in a root-only directory: bound there, asleep, not spawned
        lc.fileSeen(v, onDemandFile(2, 1001, null), now);
        assertEquals(VassalState.ON_DEMAND, v.state);
        assertEquals("/run/a.sock", v.socketName);
        assertFalse(fx.calls.stream().anyMatch(c -> c.startsWith("spawn")), fx.calls.toString());
    }

    @Test
    void refusedWhileGoingBackToSleepIsNotReArmed() {
        Vassal v = lc.fileAppeared(onDemandFile(1, 1001, null), now, false);
        lc.onDemandConnection(v, now);
        lc.pipeByte(v, dev.emperor.protocol.PipeByte.VOLUNTARY_STOP, now); // byte 22: back to on-demand
        assertEquals(VassalState.STOPPING, v.state);
        v.file = onDemandFile(2, 0, ROOT_REFUSAL); // seen by a scan while it stops (fileSeen ignores STOPPING)
        lc.reaped(v, Reaped.exit(v.pid, 0), now);
        assertEquals(VassalState.REFUSED, v.state);
        assertEquals(-1, v.listenFd, "not listening for a vassal nobody may run");
    }
}
