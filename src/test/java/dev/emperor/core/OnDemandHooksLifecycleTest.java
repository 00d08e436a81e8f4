package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.emperor.internal.Reaped;
import dev.emperor.protocol.PipeByte;
import dev.emperor.source.VassalSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Master's hook-as-on-demand-vassal and hook-as-on-config-vassal in the table (docs/hooks.md,
 * "On-demand hooks"): queued when the vassal goes to sleep or its config changes while asleep, the
 * socket watched only after they succeeded, a failure removing the vassal (blacklist, sleep again
 * later), an outcome of an earlier sleep ignored. Fake clock, recording effects.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OnDemandHooksLifecycleTest {
    static final long T0 = 1_800_000_000_000L;
    long now = T0;
    RecordingEffects fx;
    Blacklist blacklist;
    Lifecycle lc;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("emperor");
    private final Level levelBefore = logger.getLevel();

    @BeforeEach
    void setUp() {
        fx = new RecordingEffects();
        fx.onDemandHooks = true;
        EmperorLog log = new EmperorLog(null, () -> now);
        blacklist = new Blacklist(1000, 180_000, log);
        lc = new Lifecycle(fx, blacklist, log, new Lifecycle.Settings(30_000, 30_000, false, false));
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
        logger.setLevel(levelBefore);
    }

    private List<String> lines() {
        synchronized (appender) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    private boolean logged(String line) {
        return lines().stream().anyMatch(l -> l.endsWith(line));
    }

    static VassalSource file(long mtimeNanos) {
        return new VassalSource("a.ini", Path.of("/v/a.ini"), Path.of("/v"), mtimeNanos, 33, 33, "/v", Map.of(), null,
                "/run/a.sock");
    }

    private Vassal appeared() {
        return lc.fileAppeared(file(1_000_000_000L), now, false);
    }

    @Test
    void goingToSleepQueuesTheHookAndWatchesTheSocketOnlyAfterItSucceeded() {
        Vassal v = appeared();
        assertEquals(VassalState.ON_DEMAND, v.state);
        assertEquals(List.of("bind a.ini /run/a.sock", "onDemandHook a.ini sleep 1"), fx.calls);
        assertFalse(v.listenWatched, "master runs the list before its loop looks at the socket");
        assertTrue(logged("[uwsgi-emperor] a.ini -> \"on demand\" instance detected, waiting for connections on socket \"/run/a.sock\" ..."));
        lc.onDemandHookDone(v, 1, false, true, now);
        assertEquals("watch a.ini", fx.last());
        assertEquals(VassalState.ON_DEMAND, v.state);
        assertFalse(logged("removed uwsgi instance a.ini"), lines().toString());
    }

    @Test
    void aFailedOnDemandHookRemovesTheVassalWhichSleepsAgainAfterItsBlacklistWindow() {
        Vassal v = appeared();
        fx.calls.clear();
        lc.onDemandHookDone(v, 1, false, false, now);
        assertEquals(List.of("closeSocket a.ini"), fx.calls);
        assertTrue(logged("[emperor] removed uwsgi instance a.ini"), lines().toString());
        assertFalse(logged("curse the uwsgi instance"), "master's emperor_del, no curse");
        assertEquals(VassalState.THROTTLED, v.state);
        assertTrue(blacklist.blockedUntil("a.ini") > now, "blacklisted as master's emperor_del of a vassal never loyal");
        lc.tick(v, now + 500);
        assertEquals(VassalState.THROTTLED, v.state, "not before its window");
        lc.tick(v, v.spawnAt);
        assertEquals(VassalState.ON_DEMAND, v.state);
        assertEquals(List.of("closeSocket a.ini", "bind a.ini /run/a.sock", "onDemandHook a.ini sleep 2"), fx.calls);
    }

    @Test
    void backToOnDemandRunsTheHookAgain() {
        Vassal v = appeared();
        lc.onDemandHookDone(v, 1, false, true, now);
        lc.onDemandConnection(v, now);
        assertEquals(VassalState.RUNNING, v.state);
        lc.pipeByte(v, PipeByte.VOLUNTARY_STOP, now);
        lc.reaped(v, Reaped.exit(v.pid, 0), now);
        assertEquals(VassalState.ON_DEMAND, v.state);
        assertEquals("onDemandHook a.ini sleep 2", fx.last());
        assertFalse(v.listenWatched);
        assertTrue(logged("[uwsgi-emperor] a.ini -> back to \"on demand\" mode, waiting for connections on socket \"/run/a.sock\" ..."));
    }

    @Test
    void aConfigChangeWhileAsleepRunsTheOnConfigHookWithTheSocketUnwatched() {
        Vassal v = appeared();
        lc.onDemandHookDone(v, 1, false, true, now);
        fx.calls.clear();
        lc.fileSeen(v, file(2_000_000_000L), now);
        assertEquals(List.of("onConfigHook a.ini sleep 1", "unwatch a.ini"), fx.calls);
        assertTrue(logged("[emperor] updated configuration for \"on demand\" instance a.ini"));
        lc.onDemandHookDone(v, 1, true, true, now);
        assertEquals("watch a.ini", fx.last());
        assertEquals(VassalState.ON_DEMAND, v.state);
    }

    @Test
    void aFailedOnConfigHookCursesThenRemovesTheVassal() {
        Vassal v = appeared();
        lc.onDemandHookDone(v, 1, false, true, now);
        lc.fileSeen(v, file(2_000_000_000L), now);
        fx.calls.clear();
        lc.onDemandHookDone(v, 1, true, false, now);
        assertEquals(List.of("closeSocket a.ini"), fx.calls);
        List<String> l = lines();
        int curse = l.indexOf(l.stream().filter(s -> s.endsWith("[emperor] curse the uwsgi instance a.ini (pid: -1)")).findFirst().orElse("?"));
        int removed = l.indexOf(l.stream().filter(s -> s.endsWith("[emperor] removed uwsgi instance a.ini")).findFirst().orElse("?"));
        assertTrue(curse >= 0 && removed > curse, l.toString());
        assertEquals(VassalState.THROTTLED, v.state);
    }

    @Test
    void sighupWhileAsleepIsAConfigChangeToo() {
        Vassal v = appeared();
        lc.onDemandHookDone(v, 1, false, true, now);
        lc.reloadAll(v, now, 1_900_000_000_000L);
        assertEquals(List.of("onConfigHook a.ini sleep 1", "unwatch a.ini"), fx.calls.subList(fx.calls.size() - 2, fx.calls.size()));
    }

    @Test
    void bothHooksOfOneSleepMustSucceedBeforeTheSocketIsWatched() {
        Vassal v = appeared();
        lc.fileSeen(v, file(2_000_000_000L), now); // changed while the on-demand hook still runs
        lc.onDemandHookDone(v, 1, false, true, now);
        assertFalse(v.listenWatched, "the on-config hook still runs");
        lc.onDemandHookDone(v, 1, true, true, now);
        assertTrue(v.listenWatched);
    }

    @Test
    void anOutcomeOfAnEarlierSleepIsIgnored() {
        Vassal v = appeared();
        lc.onDemandHookDone(v, 1, false, true, now);
        lc.onDemandConnection(v, now);
        lc.pipeByte(v, PipeByte.VOLUNTARY_STOP, now);
        lc.reaped(v, Reaped.exit(v.pid, 0), now); // sleep 2, its hook queued
        fx.calls.clear();
        lc.onDemandHookDone(v, 1, false, false, now);
        assertEquals(List.of(), fx.calls);
        assertEquals(VassalState.ON_DEMAND, v.state);
        assertFalse(logged("removed uwsgi instance a.ini"));
    }

    @Test
    void anOutcomeForAVassalThatWokeMeanwhileChangesNothing() {
        Vassal v = appeared();
        lc.onDemandHookDone(v, 1, false, true, now);
        lc.fileSeen(v, file(2_000_000_000L), now);
        lc.command(Control.Action.HALT, v, now, now); // parked: socket closed, SUSPENDED
        fx.calls.clear();
        lc.onDemandHookDone(v, 1, true, false, now);
        assertEquals(List.of(), fx.calls);
        assertEquals(VassalState.SUSPENDED, v.state);
    }

    @Test
    void withoutHooksTheSocketIsWatchedAtOnce() {
        fx.onDemandHooks = false;
        Vassal v = appeared();
        assertEquals(List.of("bind a.ini /run/a.sock", "watch a.ini"), fx.calls);
        assertTrue(v.listenWatched);
    }
}
