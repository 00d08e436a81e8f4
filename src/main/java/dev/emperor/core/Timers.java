package dev.emperor.core;

/**
 * The table's timer cells (docs/lifecycle.md, "Timers"): the heartbeat and the curse tolerance,
 * judged by {@link Lifecycle#tick} and announced by {@link Lifecycle#nextDeadline} from the same
 * sums. All monotonic ms; a pause of the Emperor moves {@code windowFrom} and so every window.
 * Neither timer changes a state: a SIGKILL's reap does. Loop thread only.
 */
final class Timers {
    private final Effects fx;
    private final EmperorLog log;
    private final Lifecycle.Settings settings;

    Timers(Effects fx, EmperorLog log, Lifecycle.Settings settings) {
        this.fx = fx;
        this.log = log;
        this.settings = settings;
    }

    /** The last moment a RUNNING vassal's heartbeat may arrive (armed: {@code lastHeartbeat > 0}). */
    private long heartbeatDue(Vassal v) {
        return Math.max(v.lastHeartbeat, v.windowFrom) + settings.requiredHeartbeatMs();
    }

    /** A STOPPING or CURSED vassal is SIGKILLed after its tolerance; during Ragnarok only reload-mercy counts. */
    private static boolean killable(Vassal v) {
        return v.pid > 0 && v.stopReason != StopReason.RAGNAROK;
    }

    private long toleranceOver(Vassal v) {
        return Math.max(v.cursedAt, v.windowFrom) + settings.curseToleranceMs();
    }

    /** RUNNING: an armed heartbeat that is late → SIGKILL (the reap respawns it), disarmed. */
    void heartbeat(Vassal v, long now) {
        if (v.lastHeartbeat > 0 && heartbeatDue(v) < now) {
            log.about(v, "heartbeat-missed").plain("[emperor] vassal " + v.name + " sent no heartbeat in last "
                    + settings.requiredHeartbeatMs() / 1000 + " seconds, brutally respawning it...");
            v.lastHeartbeat = 0;
            fx.kill(v, 9);
        }
    }

    /** STOPPING or CURSED: still alive after the curse tolerance → SIGKILL, again every tolerance. */
    void tolerance(Vassal v, long now) {
        if (killable(v) && now >= toleranceOver(v)) {
            log.about(v, "sigkill").warn("[emperor] vassal " + v.name + " (pid: " + v.pid + ") still alive "
                    + settings.curseToleranceMs() / 1000 + " seconds after its stop: SIGKILL");
            v.cursedAt = now;
            fx.kill(v, 9);
        }
    }

    /** A handler for a RUNNING, STOPPING or CURSED v threw: its window restarts no earlier than now. */
    void postpone(Vassal v, long now) {
        if (v.state == VassalState.STOPPING || v.state == VassalState.CURSED) {
            v.cursedAt = Math.max(v.cursedAt, now);
        } else if (v.lastHeartbeat > 0) {
            v.lastHeartbeat = Math.max(v.lastHeartbeat, now);
        }
    }

    /** The next time {@link Lifecycle#tick} has something to do for v, or Long.MAX_VALUE. */
    long nextDeadline(Vassal v) {
        return switch (v.state) {
            case THROTTLED, WAITING_FOR_BASE -> v.spawnAt;
            case ADOPTING -> Long.MAX_VALUE; // the session's own deadline is the loop's
            case RUNNING -> v.lastHeartbeat > 0 ? heartbeatDue(v) + 1 : Long.MAX_VALUE;
            // during Ragnarok only reload-mercy counts (the loop's deadline), as in uWSGI's royal_death
            case STOPPING, CURSED -> killable(v) ? toleranceOver(v) : Long.MAX_VALUE;
            case EXILED, SUSPENDED, REFUSED, ON_DEMAND -> Long.MAX_VALUE;
        };
    }
}
