package dev.emperor.core;

import dev.emperor.source.VassalSource;

/**
 * The Tyrant rows of {@link Lifecycle}'s table (docs/lifecycle.md, "Tyrant mode"): refusing a file
 * (state REFUSED), re-judging a refused one when its file changes, and stopping a running vassal
 * whose owner changed. They decide and return a {@link Next}; the table carries it out. Loop thread
 * only, like the table.
 */
final class TyrantRows {
    private final Effects fx;
    private final Blacklist blacklist;
    private final EmperorLog log;
    private final boolean tyrant;

    TyrantRows(Effects fx, Blacklist blacklist, EmperorLog log, boolean tyrant) {
        this.fx = fx;
        this.blacklist = blacklist;
        this.log = log;
        this.tyrant = tyrant;
    }

    /**
     * A scan saw the file of {@code v} again ({@code before}: what the record held): the Tyrant row's
     * decision, or null when the ordinary "file newer" rows apply.
     */
    Next fileSeen(Vassal v, VassalSource before, VassalSource f) {
        boolean ownerChanged = before.uid() != f.uid() || before.gid() != f.gid();
        if (v.state == VassalState.REFUSED) {
            if (f.refusal() == null) {
                blacklist.unrefuse(v.name);
                if (v.listenFd < 0) {
                    v.socketName = f.onDemandSocket(); // a refusal may have been about the socket: take the checked one
                }
                return Next.FRESH_START; // an on-demand vassal binds and sleeps again
            }
            if (ownerChanged || f.mtimeNanos() > v.lastModNanos || !f.refusal().equals(before.refusal())) {
                v.lastModNanos = Math.max(v.lastModNanos, f.mtimeNanos());
                return Next.REFUSE;
            }
            return Next.STAY;
        }
        if (tyrant && v.state == VassalState.ON_DEMAND && f.refusal() != null) {
            return Next.REFUSE; // asleep: nothing to stop, the socket is closed so clients are refused, not left hanging
        }
        if (tyrant && v.state == VassalState.RUNNING && (ownerChanged || f.refusal() != null)) {
            // uWSGI prints this at every scan until the instance is gone; STOPPING is not re-checked here
            log.about(v, "permissions-changed").plain("!!! permissions of file " + v.name + " changed. stopping the instance... !!!");
            return Next.stop(StopReason.PERMISSIONS);
        }
        return null;
    }

    /**
     * Before the table marks v REFUSED: the refusal logged once per change of the file (uWSGI repeats
     * the line at every scan, burying everything else in the log), listed in the blacklist, its
     * on-demand socket closed.
     */
    void refusing(Vassal v, long now) {
        log.about(v, "refused").error(v.file.refusal());
        fx.closeOnDemand(v); // an on-demand socket nobody may serve: clients are refused rather than left hanging
        blacklist.refuse(v.name, now);
    }
}
