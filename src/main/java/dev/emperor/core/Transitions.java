package dev.emperor.core;

import dev.emperor.protocol.PipeByte;

/**
 * The only code that writes a vassal's {@code state} and {@code spawnAt} (StateWritesTest checks
 * it): the table's shared blocks — throttle, failure, stop, curse, spawn outcomes, forget — each
 * written once. {@link Lifecycle} calls them when it carries out a row's decision; nothing else
 * holds a reference to this class (docs/lifecycle.md, "Who writes a state"). Loop thread only.
 */
final class Transitions {
    private final Effects fx;
    private final Blacklist blacklist;
    private final EmperorLog log;
    private final Lifecycle.Settings settings;

    Transitions(Effects fx, Blacklist blacklist, EmperorLog log, Lifecycle.Settings settings) {
        this.fx = fx;
        this.blacklist = blacklist;
        this.log = log;
        this.settings = settings;
    }

    /** States with nothing else to set: SUSPENDED, EXILED. */
    void enter(Vassal v, VassalState state) {
        v.state = state;
    }

    /** Not started before {@code until}. */
    void throttle(Vassal v, long until) {
        v.state = VassalState.THROTTLED;
        v.spawnAt = until;
    }

    /** A failure of the vassal (spawn, bind, fork-server session): blacklisted, never retried in a tight loop. */
    void fail(Vassal v, long now, long leastDelayMs) {
        if (!settings.noBlacklist()) {
            blacklist.add(v.name, now);
        }
        throttle(v, Math.max(blacklist.blockedUntil(v.name), now + leastDelayMs));
    }

    void waitForBase(Vassal v, long retryAt) {
        v.state = VassalState.WAITING_FOR_BASE;
        v.spawnAt = retryAt;
    }

    /** A THROTTLED or WAITING_FOR_BASE vassal is tried again no sooner than {@code notBefore}. */
    void postpone(Vassal v, long notBefore) {
        v.spawnAt = Math.max(v.spawnAt, notBefore);
    }

    /** uWSGI's {@code emperor_stop} (or {@code emperor_back_to_ondemand} for reason ON_DEMAND): a stop byte. */
    void stop(Vassal v, StopReason reason, long now) {
        if (reason == StopReason.ON_DEMAND) {
            log.about(v, "on-demand").verbose("[emperor] bringing back instance " + v.name + " to on-demand mode");
        } else {
            log.about(v, "stop").verbose("[emperor] stop the uwsgi instance " + v.name);
        }
        v.stopReason = reason;
        v.state = VassalState.STOPPING;
        v.cursedAt = now;
        fx.send(v, settings.gracefulShutdown() ? PipeByte.GRACEFUL_STOP : PipeByte.STOP);
    }

    /** uWSGI's {@code emperor_curse}: its pipe is gone while nobody asked it to stop. {@code say}: log the line. */
    void curse(Vassal v, long now, boolean say) {
        if (say) {
            log.about(v, "cursed").verbose("[emperor] curse the uwsgi instance " + v.name + " (pid: " + v.pid + ")");
        }
        v.state = VassalState.CURSED;
        v.cursedAt = now;
    }

    /** A plain spawn answered with a pid: RUNNING. */
    void running(Vassal v, Effects.SpawnOutcome o) {
        v.pid = o.pid();
        v.pipeFd = o.pipeFd();
        v.configFd = o.configFd();
        v.state = VassalState.RUNNING;
        v.stopReason = StopReason.NONE;
        v.cursedAt = 0;
        v.adopted = false;
        v.starts++;
        v.waitLogged = false;
    }

    /** A fork-server session is in flight: the pipe now, the pid with the reply. */
    void adopting(Vassal v, Effects.SpawnOutcome o) {
        v.pid = -1;
        v.pipeFd = o.pipeFd();
        v.configFd = o.configFd();
        v.state = VassalState.ADOPTING;
        v.stopReason = StopReason.NONE;
        v.cursedAt = 0;
        v.adopted = true;
        v.waitLogged = false;
    }

    /** The fork server's pid reply: RUNNING as an adopted vassal. */
    void adopted(Vassal v, int pid) {
        v.pid = pid;
        v.state = VassalState.RUNNING;
        v.starts++;
    }

    /** Asleep on its bound on-demand socket, nothing running. */
    void asleep(Vassal v) {
        v.sleeps++;
        v.sleepHooks = 0;
        v.pid = -1;
        v.state = VassalState.ON_DEMAND;
        v.stopReason = StopReason.NONE;
        v.cursedAt = 0;
        v.ready = false;
        v.accepting = false;
        v.reloadPending = false;
    }

    void refused(Vassal v) {
        v.state = VassalState.REFUSED;
        v.pid = -1;
    }

    /** The record goes away: pipe and socket closed, dropped from the loop, "removed" line. */
    void forget(Vassal v) {
        if (v.state == VassalState.REFUSED) {
            blacklist.unrefuse(v.name);
        }
        fx.closePipe(v);
        fx.closeOnDemand(v);
        fx.forget(v);
        log.about(v, "removed").verbose("[emperor] removed uwsgi instance " + v.name);
    }

    /**
     * A record rebuilt by an in-place upgrade (docs/upgrade.md): the state and spawn time the previous
     * process handed over, or the ones Resumption settles on for a fork-server session the exec cut short.
     */
    static void resumed(Vassal v, VassalState state, long spawnAt) {
        v.state = state;
        v.spawnAt = spawnAt;
    }
}
