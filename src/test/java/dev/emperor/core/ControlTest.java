package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.Reaped;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Operator commands against the lifecycle table, with fake effects and a fake clock. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ControlTest {
    long now = LifecycleTest.T0;
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

    @Test
    void waitForCommandSuspendsUntilSpawn() {
        Vassal v = lc.fileAppeared(LifecycleTest.file("a.ini", 1), now, true);
        assertEquals(VassalState.SUSPENDED, v.state);
        assertTrue(v.view(0).suspended());
        assertTrue(fx.calls.isEmpty(), "nothing spawned");
        lc.fileSeen(v, LifecycleTest.file("a.ini", 2), now);
        assertTrue(fx.calls.isEmpty(), "suspended vassals ignore reloads");
        assertNull(lc.command(Control.Action.SPAWN, v, now, now));
        assertEquals(VassalState.RUNNING, v.state);
        assertEquals("already active (running)", lc.command(Control.Action.SPAWN, v, now, now));
    }

    @Test
    void httpStopKeepsItStoppedUntilStart() {
        Vassal v = lc.fileAppeared(LifecycleTest.file("a.ini", 1), now, false);
        assertNull(lc.command(Control.Action.HALT, v, now, now));
        assertEquals("send a.ini 0", fx.last());
        lc.reaped(v, Reaped.exit(v.pid, 0), now);
        assertEquals(VassalState.SUSPENDED, v.state);
        assertNull(lc.command(Control.Action.START, v, now, now));
        assertEquals(VassalState.RUNNING, v.state);
    }

    @Test
    void commandSocketStopGoesAwayLikeUwsgi() {
        Vassal v = lc.fileAppeared(LifecycleTest.file("a.ini", 1), now, false);
        lc.command(Control.Action.STOP, v, now, now);
        lc.reaped(v, Reaped.exit(v.pid, 0), now);
        assertEquals("forget a.ini", fx.last());
    }

    @Test
    void restartReloadsRunningAndStartsThrottled() {
        Vassal v = lc.fileAppeared(LifecycleTest.file("a.ini", 1), now, false);
        lc.command(Control.Action.RESTART, v, now, now);
        assertEquals("send a.ini 1", fx.last());
        lc.reaped(v, Reaped.exit(v.pid, 1), now);
        now += 1;
        lc.tick(v, now);
        lc.reaped(v, Reaped.exit(v.pid, 1), now);
        assertEquals(VassalState.THROTTLED, v.state);
        assertEquals(1001, blacklist.throttleMs("a.ini"));
        assertNull(lc.command(Control.Action.RESTART, v, now, now));
        assertEquals(VassalState.RUNNING, v.state);
        assertEquals(0, blacklist.size());
    }

    @Test
    void resetThrottleStartsAThrottledVassalNow() {
        Vassal v = lc.fileAppeared(LifecycleTest.file("a.ini", 1), now, false);
        lc.reaped(v, Reaped.exit(v.pid, 1), now);
        now += 1;
        lc.tick(v, now);
        lc.reaped(v, Reaped.exit(v.pid, 1), now);
        assertEquals(VassalState.THROTTLED, v.state);
        assertNull(lc.command(Control.Action.RESET_THROTTLE, v, now, now));
        assertEquals(VassalState.RUNNING, v.state);
        assertEquals(0, blacklist.size());
    }

    @Test
    void verbsRoundTrip() {
        for (Control.Action a : new Control.Action[] {Control.Action.RESTART, Control.Action.HALT, Control.Action.START,
                Control.Action.RESET_THROTTLE}) {
            assertEquals(a, Control.Action.ofVerb(a.verb()));
        }
        assertNull(Control.Action.ofVerb("explode"));
    }
}
