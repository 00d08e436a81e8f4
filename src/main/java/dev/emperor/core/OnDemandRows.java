package dev.emperor.core;

import dev.emperor.protocol.PipeByte;

/**
 * The on-demand rows of {@link Lifecycle}'s table (docs/lifecycle.md, "On-demand vassals"), kept apart so the table's class
 * stays readable: going to sleep on the socket (binding it first when needed), a config change
 * while asleep, and the byte-22 return. Loop thread only, like the table.
 */
final class OnDemandRows {
    private final Effects fx;
    private final Blacklist blacklist;
    private final EmperorLog log;
    private final Lifecycle.Settings settings;

    OnDemandRows(Effects fx, Blacklist blacklist, EmperorLog log, Lifecycle.Settings settings) {
        this.fx = fx;
        this.blacklist = blacklist;
        this.log = log;
        this.settings = settings;
    }

    /**
     * uWSGI's emperor_add for a vassal with a socket name (or the end of its status 2): bound and
     * watched, pid -1. {@code back}: returning after byte 22 (uWSGI logs "back to" then).
     */
    void sleep(Vassal v, long now, boolean back) {
        long until = back ? Long.MIN_VALUE : blacklist.blockedUntil(v.name); // uWSGI's status-2 reap checks none
        if (now < until) {
            v.state = VassalState.THROTTLED;
            v.spawnAt = until;
            return;
        }
        if (v.listenFd < 0) {
            String error = fx.bindOnDemand(v);
            if (error != null) {
                log.about(v, "bind-failed").error("emperor_add()/bind(): " + error + " [socket \"" + v.socketName + "\" of vassal " + v.name + "]");
                log.about(v, "removed").verbose("[emperor] removed uwsgi instance " + v.name);
                if (!settings.noBlacklist()) {
                    blacklist.add(v.name, now);
                }
                v.state = VassalState.THROTTLED;
                v.spawnAt = Math.max(blacklist.blockedUntil(v.name), now + 1000); // retried, never in a tight loop
                return;
            }
        }
        v.pid = -1;
        v.state = VassalState.ON_DEMAND;
        v.stopReason = StopReason.NONE;
        v.cursedAt = 0;
        v.ready = false;
        v.accepting = false;
        v.reloadPending = false;
        fx.watchOnDemand(v, true);
        log.about(v, "on-demand").plain("[uwsgi-emperor] " + v.name + (back ? " -> back to \"on demand\" mode" : " -> \"on demand\" instance detected")
                + ", waiting for connections on socket \"" + v.socketName + "\" ...");
    }

    /** uWSGI's emperor_respawn of a sleeping on-demand instance: nothing runs, only the record changes. */
    void updatedWhileAsleep(Vassal v, long mtimeNanos) {
        v.lastModNanos = mtimeNanos;
        v.ready = false;
        v.accepting = false;
        log.about(v, "reload").verbose("[emperor] updated configuration for \"on demand\" instance " + v.name);
    }

    /** uWSGI's emperor_back_to_ondemand: stop byte, status 2; the reap puts it back to sleep. */
    void backToOnDemand(Vassal v, long now) {
        log.about(v, "on-demand").verbose("[emperor] bringing back instance " + v.name + " to on-demand mode");
        v.stopReason = StopReason.ON_DEMAND;
        v.state = VassalState.STOPPING;
        v.cursedAt = now;
        fx.send(v, settings.gracefulShutdown() ? PipeByte.GRACEFUL_STOP : PipeByte.STOP);
    }
}
