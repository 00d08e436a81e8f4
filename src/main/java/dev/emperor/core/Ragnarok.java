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

    private final Native nat;
    private final Native.Poller poller;
    private final EmperorLog log;
    private final LoopHooks hooks;
    private final Lifecycle lifecycle;
    private final Effects fx;
    private final long reloadMercyMs;

    private long mercyDeadline = Long.MAX_VALUE;
    private long buryDeadline = Long.MAX_VALUE;
    private volatile boolean buried;

    Ragnarok(Native nat, Native.Poller poller, EmperorLog log, LoopHooks hooks, Lifecycle lifecycle, Effects fx, long reloadMercyMs) {
        this.nat = nat;
        this.poller = poller;
        this.log = log;
        this.hooks = hooks;
        this.lifecycle = lifecycle;
        this.fx = fx;
        this.reloadMercyMs = reloadMercyMs;
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
        return Math.min(mercyDeadline, buryDeadline);
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

    private void bury() {
        try {
            Orphans.killAndReap(nat, poller, log);
        } finally {
            log.verbose("The Emperor is buried.");
            buried = true;
        }
    }
}
