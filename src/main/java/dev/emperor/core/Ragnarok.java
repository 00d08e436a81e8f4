package dev.emperor.core;

import dev.emperor.internal.Native;
import java.util.ArrayList;
import java.util.Collection;

/**
 * The Emperor's shutdown, uWSGI's {@code royal_death} (docs/lifecycle.md, "Ragnarok"): every record
 * is told once, the loop runs on until nothing lives, {@code reload-mercy} later the rest is SIGKILLed,
 * and at most 5 s after that the Emperor is buried anyway. Loop thread only.
 */
final class Ragnarok {
    /** SIGKILLed processes are reaped within milliseconds: never hang on exit longer than this. */
    private static final long BURY_MS = 5000;
    /**
     * When a stopping vassal's master is sent SIGINT, counted from the EOF on its pipe: a uWSGI master
     * told to stop (byte 0) kills its workers and closes the pipe, then notices their deaths only at
     * the next turn of its own loop, up to a second later; a SIGINT then wakes it, and it exits at once
     * (its kill_them_all has run already, so the signal changes nothing else). Two tries, since one that
     * arrives before the workers are gone wakes it too early (docs/lifecycle.md, "Ragnarok").
     */
    static final long[] NUDGE_AFTER_EOF_MS = {30, 200};

    private final Native nat;
    private final Native.Poller poller;
    private final EmperorLog log;
    private final LoopHooks hooks;
    private final Lifecycle lifecycle;
    private final Effects fx;
    private final long reloadMercyMs;
    /** False with emperor-graceful-shutdown: byte 2 asks for a graceful stop, which SIGINT would cut short. */
    private final boolean nudge;
    /** Vassals stopping with their pipe closed → when the EOF was first seen (monotonic ms). */
    private final java.util.Map<Vassal, Long> pipeClosedAt = new java.util.IdentityHashMap<>();
    private long nextNudge = Long.MAX_VALUE;

    private long mercyDeadline = Long.MAX_VALUE;
    private long buryDeadline = Long.MAX_VALUE;
    private volatile boolean buried;

    Ragnarok(Native nat, Native.Poller poller, EmperorLog log, LoopHooks hooks, Lifecycle lifecycle, Effects fx, long reloadMercyMs) {
        this(nat, poller, log, hooks, lifecycle, fx, reloadMercyMs, true);
    }

    Ragnarok(Native nat, Native.Poller poller, EmperorLog log, LoopHooks hooks, Lifecycle lifecycle, Effects fx, long reloadMercyMs,
             boolean nudge) {
        this.nat = nat;
        this.poller = poller;
        this.log = log;
        this.hooks = hooks;
        this.lifecycle = lifecycle;
        this.fx = fx;
        this.reloadMercyMs = reloadMercyMs;
        this.nudge = nudge;
    }

    boolean evoked() {
        return mercyDeadline != Long.MAX_VALUE;
    }

    /** The loop may end: every vassal is gone and the orphans are reaped. */
    boolean buried() {
        return buried;
    }

    /** SIGTERM/SIGINT; a second one only says how long the mercy lasts. */
    void evoke(Collection<Vassal> vassals, long now) {
        if (evoked()) {
            log.plain("[emperor] *** RAGNAROK ALREADY EVOKED (mercyless in " + Math.max(0, (mercyDeadline - now) / 1000) + " seconds)***");
            return;
        }
        log.plain("[emperor] *** RAGNAROK EVOKED ***");
        hooks.stopping();
        mercyDeadline = now + reloadMercyMs;
        for (Vassal v : new ArrayList<>(vassals)) {
            lifecycle.ragnarok(v, now);
        }
    }

    /** The nearest of its deadlines, Long.MAX_VALUE before Ragnarok. */
    long deadline() {
        return Math.min(Math.min(mercyDeadline, buryDeadline), nextNudge);
    }

    /** One step, every loop iteration: bury once nothing lives, NO MERCY after reload-mercy. */
    void step(Collection<Vassal> vassals, long now) {
        if (!evoked()) {
            return;
        }
        // vassals-stop-hook helpers of vassals that just ended may still run (docs/hooks.md)
        boolean alive = vassals.stream().anyMatch(v -> v.pid > 0 || v.state == VassalState.ADOPTING) || hooks.busy();
        if (!alive) {
            bury();
            return;
        }
        nudge(vassals, now);
        if (now >= mercyDeadline && buryDeadline == Long.MAX_VALUE) {
            for (Vassal v : vassals) {
                if (v.pid > 0) {
                    log.about(v, "sigkill").verbose("[emperor] NO MERCY for vassal " + v.name + " !!!");
                    fx.killGroup(v, Native.SIGKILL);
                    fx.kill(v, Native.SIGKILL);
                }
            }
            buryDeadline = now + BURY_MS;
        } else if (now >= buryDeadline) {
            log.error("[emperor] vassals still not reaped after SIGKILL, exiting anyway");
            bury();
        }
    }

    /** SIGINT to the masters that closed their pipe after the stop byte, {@link #NUDGE_AFTER_EOF_MS} later. */
    private void nudge(Collection<Vassal> vassals, long now) {
        nextNudge = Long.MAX_VALUE;
        if (!nudge) {
            return;
        }
        for (Vassal v : vassals) {
            if (v.pid <= 0 || v.state != VassalState.STOPPING || v.stopReason != StopReason.RAGNAROK || v.pipeFd >= 0) {
                pipeClosedAt.remove(v);
                continue;
            }
            Long closed = pipeClosedAt.putIfAbsent(v, now);
            long since = closed == null ? 0 : now - closed;
            for (long after : NUDGE_AFTER_EOF_MS) {
                if (since < after) {
                    nextNudge = Math.min(nextNudge, now + (after - since));
                    break;
                }
            }
            if (closed != null && crossed(now - closed, lastNudgeLook(v, closed, now))) {
                nat.kill(v.pid, Native.SIGINT);
            }
        }
        lastLook = now;
    }

    private long lastLook = Long.MIN_VALUE;

    /** How long after the EOF the previous look was (before the EOF: 0). */
    private long lastNudgeLook(Vassal v, long closed, long now) {
        return lastLook == Long.MIN_VALUE || lastLook < closed ? 0 : lastLook - closed;
    }

    /** A nudge time lies in (before, since]. */
    private static boolean crossed(long since, long before) {
        for (long after : NUDGE_AFTER_EOF_MS) {
            if (before < after && since >= after) {
                return true;
            }
        }
        return false;
    }

    private void bury() {
        try {
            Orphans.killAndReap(nat, poller, log);
        } finally {
            log.verbose("The Emperor is buried.");
            buried = true;
        }
    }
}
