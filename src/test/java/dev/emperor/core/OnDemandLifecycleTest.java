package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.Reaped;
import dev.emperor.source.VassalSource;
import dev.emperor.protocol.PipeByte;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ON_DEMAND rows of {@link Lifecycle}'s table (lifecycle §8), with a fake clock and recording effects. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OnDemandLifecycleTest {
    static final long T0 = 1_800_000_000_000L;
    long now = T0;
    RecordingEffects fx;
    Blacklist blacklist;
    Lifecycle lc;

    @BeforeEach
    void setUp() {
        fx = new RecordingEffects();
        blacklist = new Blacklist(1000, 180_000, new EmperorLog(null, () -> now));
        lc = lifecycle(false);
    }

    private Lifecycle lifecycle(boolean graceful) {
        return new Lifecycle(fx, blacklist, new EmperorLog(null, () -> now), new Lifecycle.Settings(30_000, 30_000, graceful, false));
    }

    /** The "emperor" logger's messages (verbose lines carry a date prefix, hence endsWith). */
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private final Logger logger = (Logger) LoggerFactory.getLogger("emperor");
    private final Level levelBefore = logger.getLevel();

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
        logger.setLevel(levelBefore);
    }

    private boolean logged(String line) {
        synchronized (appender) {
            return appender.list.stream().anyMatch(e -> e.getFormattedMessage().endsWith(line));
        }
    }

    private String log() {
        synchronized (appender) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList().toString();
        }
    }

    static VassalSource file(String name, long mtimeNanos, String socket) {
        return new VassalSource(name, Path.of("/v/" + name), Path.of("/v"), mtimeNanos, 33, 33, "/v", Map.of(), null, socket);
    }

    private Vassal asleep() {
        Vassal v = lc.fileAppeared(file("a.ini", 1_000_000_000L, "/run/a.sock"), now, false);
        assertEquals(VassalState.ON_DEMAND, v.state);
        return v;
    }

    @Test
    void newFileWithSocketBindsAndSleepsWithoutSpawning() {
        Vassal v = asleep();
        assertEquals(List.of("bind a.ini /run/a.sock", "watch a.ini"), fx.calls);
        assertEquals(-1, v.pid);
        assertTrue(logged("[uwsgi-emperor] a.ini -> \"on demand\" instance detected, waiting for connections on socket \"/run/a.sock\" ..."), log());
        VassalView view = v.view(0);
        assertEquals(-1, view.pid());
        assertEquals("/run/a.sock", view.onDemand());
        assertEquals("on_demand", view.state());
    }

    @Test
    void connectionSpawnsWithTheSocketUnwatched() {
        Vassal v = asleep();
        lc.onDemandConnection(v, now);
        assertEquals(List.of("bind a.ini /run/a.sock", "watch a.ini", "unwatch a.ini", "spawn a.ini"), fx.calls);
        assertEquals(VassalState.RUNNING, v.state);
        assertTrue(v.listenFd >= 0, "the Emperor keeps its copy of the socket while the vassal runs");
        assertEquals("/run/a.sock", v.view(0).onDemand());
    }

    @Test
    void byte22BringsItBackToOnDemandAndTheReapRearms() {
        Vassal v = asleep();
        lc.onDemandConnection(v, now);
        v.ready = true;
        v.accepting = true;
        lc.pipeByte(v, PipeByte.VOLUNTARY_STOP, now);
        assertEquals("send a.ini 0", fx.last());
        assertEquals(VassalState.STOPPING, v.state);
        assertTrue(logged("[emperor] bringing back instance a.ini to on-demand mode"), log());
        lc.pipeEof(v, now);
        lc.reaped(v, Reaped.exit(v.pid, 0), now);
        assertEquals(VassalState.ON_DEMAND, v.state);
        assertEquals(-1, v.pid);
        assertEquals(-1, v.pipeFd);
        assertFalse(v.ready);
        assertFalse(v.accepting);
        assertEquals(0, v.cursedAt);
        assertEquals("watch a.ini", fx.last());
        assertFalse(fx.calls.contains("closeSocket a.ini"), "the socket stays bound across respawns");
        assertTrue(logged("[uwsgi-emperor] a.ini -> back to \"on demand\" mode, waiting for connections on socket \"/run/a.sock\" ..."), log());
        assertEquals(Long.MIN_VALUE, blacklist.blockedUntil("a.ini"), "a voluntary return is no failure");
    }

    @Test
    void byte22WithGracefulShutdownSendsByteTwo() {
        lc = lifecycle(true);
        Vassal v = asleep();
        lc.onDemandConnection(v, now);
        lc.pipeByte(v, PipeByte.VOLUNTARY_STOP, now);
        assertEquals("send a.ini 2", fx.last());
    }

    @Test
    void newerFileWhileAsleepOnlyUpdatesTheRecord() {
        Vassal v = asleep();
        int before = fx.calls.size();
        lc.fileSeen(v, file("a.ini", 2_000_000_000L, "/run/a.sock"), now);
        assertEquals(before, fx.calls.size(), "nothing is spawned or sent");
        assertEquals(2, v.view(0).lastMod());
        assertEquals(VassalState.ON_DEMAND, v.state);
        assertTrue(logged("[emperor] updated configuration for \"on demand\" instance a.ini"), log());
    }

    @Test
    void fileGoneWhileAsleepClosesTheSocketAndForgets() {
        Vassal v = asleep();
        lc.fileGone(v, now);
        assertEquals(List.of("closeSocket a.ini", "forget a.ini"), fx.calls.subList(2, 4));
    }

    @Test
    void fileGoneWhileRunningStopsThenClosesTheSocketAtTheReap() {
        Vassal v = asleep();
        lc.onDemandConnection(v, now);
        lc.fileGone(v, now);
        assertEquals("send a.ini 0", fx.last());
        lc.pipeByte(v, PipeByte.VOLUNTARY_STOP, now); // too late: it is going away
        lc.reaped(v, Reaped.exit(v.pid, 0), now);
        assertEquals("forget a.ini", fx.last());
        assertTrue(fx.calls.contains("closeSocket a.ini"));
    }

    @Test
    void ragnarokForgetsSleepersWithoutSignals() {
        Vassal v = asleep();
        lc.ragnarok(v, now);
        assertFalse(fx.calls.stream().anyMatch(c -> c.startsWith("kill") || c.startsWith("send")), fx.calls.toString());
        assertEquals("forget a.ini", fx.last());
    }

    @Test
    void bindErrorIsLoggedBlacklistedAndRetriedAfterTheWindow() {
        fx.bindError = "Address already in use";
        Vassal v = lc.fileAppeared(file("a.ini", 1, "127.0.0.1:80"), now, false);
        assertEquals(VassalState.THROTTLED, v.state);
        assertTrue(logged("emperor_add()/bind(): Address already in use [socket \"127.0.0.1:80\" of vassal a.ini]"), log());
        assertTrue(blacklist.blockedUntil("a.ini") > now);
        assertFalse(fx.calls.contains("spawn a.ini"));
        fx.bindError = null;
        now = v.spawnAt;
        lc.tick(v, now);
        assertEquals(VassalState.ON_DEMAND, v.state, "retried, and it never spawns by itself");
        assertEquals("watch a.ini", fx.last());
    }

    @Test
    void crashKeepsTheSocketAndWaitsAgainAfterTheBlacklistWindow() {
        Vassal v = asleep();
        lc.onDemandConnection(v, now);
        lc.pipeEof(v, now);
        lc.reaped(v, Reaped.exit(v.pid, 1), now);
        assertTrue(v.listenFd >= 0, "socket kept");
        assertFalse(fx.calls.contains("closeSocket a.ini"));
        assertEquals(1, fx.calls.stream().filter(c -> c.equals("spawn a.ini")).count(), "no respawn by itself");
        // first blacklist entry is 1 ms: the vassal may be waiting again at once, or after that window
        if (v.state == VassalState.THROTTLED) {
            now = v.spawnAt;
            lc.tick(v, now);
        }
        assertEquals(VassalState.ON_DEMAND, v.state);
        assertEquals("watch a.ini", fx.last());
        // second crash: a real window (1 s) during which the socket is not watched
        lc.onDemandConnection(v, now);
        lc.pipeEof(v, now);
        lc.reaped(v, Reaped.exit(v.pid, 1), now);
        assertEquals(VassalState.THROTTLED, v.state);
        assertFalse(v.listenWatched);
        assertEquals(-1, v.view(0).pid());
        now = v.spawnAt;
        lc.tick(v, now);
        assertEquals(VassalState.ON_DEMAND, v.state);
        assertEquals(2, fx.calls.stream().filter(c -> c.equals("spawn a.ini")).count());
        assertEquals(1, fx.calls.stream().filter(c -> c.startsWith("bind")).count(), "bound once for its whole life");
    }

    @Test
    void exile26ClosesTheSocket() {
        Vassal v = asleep();
        lc.onDemandConnection(v, now);
        lc.reaped(v, Reaped.exit(v.pid, PipeByte.EXILE_CODE), now);
        assertEquals(VassalState.EXILED, v.state);
        assertEquals("closeSocket a.ini", fx.last());
        lc.fileSeen(v, file("a.ini", 9_000_000_000L, "/run/a.sock"), now);
        assertEquals(VassalState.ON_DEMAND, v.state, "a newer config puts it back to waiting");
    }

    @Test
    void normalVassalByte22StillStops() {
        Vassal v = lc.fileAppeared(file("b.ini", 1, null), now, false);
        lc.pipeByte(v, PipeByte.VOLUNTARY_STOP, now);
        assertEquals(StopReason.VOLUNTARY, v.stopReason);
        assertFalse(fx.calls.stream().anyMatch(c -> c.startsWith("bind")));
    }

    @Test
    void sighupWhileAsleepUpdatesOnly() {
        Vassal v = asleep();
        int before = fx.calls.size();
        lc.reloadAll(v, now, now);
        assertEquals(before, fx.calls.size());
        assertEquals(now / 1000, v.view(0).lastMod());
    }

    @Test
    void suspendedOnDemandVassalGoesToSleepOnTheSpawnCommand() {
        Vassal v = lc.fileAppeared(file("a.ini", 1, "/run/a.sock"), now, true);
        assertEquals(VassalState.SUSPENDED, v.state);
        assertTrue(fx.calls.isEmpty(), "nothing bound while waiting for the command");
        lc.command(Control.Action.SPAWN, v, now, now);
        assertEquals(VassalState.ON_DEMAND, v.state);
        assertEquals(List.of("bind a.ini /run/a.sock", "watch a.ini"), fx.calls);
    }

    @Test
    void spawnExiledForLackOfABinaryClosesTheSocket() {
        Vassal v = asleep();
        fx.nextOutcome = Effects.SpawnOutcome.failed("no executable among [uwsgi]", true);
        lc.onDemandConnection(v, now);
        assertEquals(VassalState.EXILED, v.state);
        assertEquals(-1, v.listenFd, "nobody will serve it: clients are refused, not left in the backlog");
        assertTrue(fx.calls.contains("closeSocket a.ini"), fx.calls.toString());
    }

    @Test
    void operatorStopOfASleepingVassalParksItWithTheSocketClosedAndStartBindsAgain() {
        Vassal v = asleep();
        assertEquals(null, lc.command(Control.Action.HALT, v, now, now));
        assertEquals(VassalState.SUSPENDED, v.state);
        assertEquals(-1, v.listenFd);
        assertEquals(null, lc.command(Control.Action.START, v, now, now));
        assertEquals(VassalState.ON_DEMAND, v.state);
        assertTrue(v.listenFd >= 0, "bound again");
        assertFalse(fx.calls.stream().anyMatch(c -> c.startsWith("spawn")), fx.calls.toString());
    }
}
