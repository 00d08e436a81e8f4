package dev.emperor.core;

/**
 * The on-demand rows of {@link Lifecycle}'s table (docs/lifecycle.md, "On-demand vassals"): whether a
 * vassal may go to sleep on its socket (binding it first when needed), a config change while asleep,
 * and the lines of going to sleep. They decide and return a {@link Next}; the table carries it out.
 * Loop thread only, like the table.
 */
final class OnDemandRows {
    private final Effects fx;
    private final Blacklist blacklist;
    private final EmperorLog log;

    OnDemandRows(Effects fx, Blacklist blacklist, EmperorLog log) {
        this.fx = fx;
        this.blacklist = blacklist;
        this.log = log;
    }

    /**
     * uWSGI's emperor_add for a vassal with a socket name (or the end of its status 2): SLEEP once its
     * socket is bound. {@code back}: returning after byte 22 (uWSGI checks no blacklist then).
     */
    Next sleep(Vassal v, long now, boolean back) {
        long until = back ? Long.MIN_VALUE : blacklist.blockedUntil(v.name);
        if (now < until) {
            return Next.throttle(until);
        }
        if (v.listenFd < 0) {
            String error = fx.bindOnDemand(v);
            if (error != null) {
                log.about(v, "bind-failed").error("emperor_add()/bind(): " + error + " [socket \"" + v.socketName + "\" of vassal " + v.name + "]");
                log.about(v, "removed").verbose("[emperor] removed uwsgi instance " + v.name);
                return Next.fail(1000); // retried after the window, never in a tight loop
            }
        }
        return Next.SLEEP;
    }

    /**
     * After the table put v to sleep: uWSGI's line, then master's hook-as-on-demand-vassal. Master runs
     * that list inside its loop, so no connection is looked at before it ended: here the socket is
     * watched only once the list succeeded ({@link #hookDone}), at once when there is none.
     */
    void asleep(Vassal v, boolean back) {
        log.about(v, "on-demand").plain("[uwsgi-emperor] " + v.name + (back ? " -> back to \"on demand\" mode" : " -> \"on demand\" instance detected")
                + ", waiting for connections on socket \"" + v.socketName + "\" ...");
        if (fx.onDemandHook(v, false)) {
            v.sleepHooks++;
        } else {
            fx.watchOnDemand(v, true);
        }
    }

    /**
     * uWSGI's emperor_respawn of a sleeping on-demand instance: only the record changes, then master's
     * hook-as-on-config-vassal runs, with the socket unwatched until it succeeded.
     */
    void updatedWhileAsleep(Vassal v, long mtimeNanos) {
        v.lastModNanos = mtimeNanos;
        v.ready = false;
        v.accepting = false;
        log.about(v, "reload").verbose("[emperor] updated configuration for \"on demand\" instance " + v.name);
        if (fx.onDemandHook(v, true)) {
            fx.watchOnDemand(v, false);
            v.sleepHooks++;
        }
    }

    /**
     * An on-demand hook of v's current sleep ended. Success: the socket is watched once no other hook of
     * this sleep runs. Failure: master's emperor_del (hook-as-on-demand-vassal) or emperor_curse, whose
     * sleeping record its loop then deletes (hook-as-on-config-vassal): socket closed, "removed" line,
     * and, as master's next scan adds the file again, a new sleep after the blacklist window.
     */
    Next hookDone(Vassal v, boolean configChanged, boolean ok) {
        if (ok) {
            v.sleepHooks = Math.max(0, v.sleepHooks - 1);
            if (v.sleepHooks == 0) {
                fx.watchOnDemand(v, true);
            }
            return Next.STAY;
        }
        if (configChanged) {
            log.about(v, "cursed").verbose("[emperor] curse the uwsgi instance " + v.name + " (pid: -1)");
        }
        fx.closeOnDemand(v);
        log.about(v, "removed").verbose("[emperor] removed uwsgi instance " + v.name);
        return Next.fail(1000); // retried after the window, never in a tight loop
    }
}
