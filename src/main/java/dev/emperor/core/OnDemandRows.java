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

    /** After the table put v to sleep: its socket watched, and uWSGI's line. */
    void asleep(Vassal v, boolean back) {
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
}
