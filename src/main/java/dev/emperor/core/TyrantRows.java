package dev.emperor.core;

import dev.emperor.source.VassalSource;

/**
 * The Tyrant rows of {@link Lifecycle}'s table (docs/lifecycle.md, "Tyrant mode"), kept apart like
 * {@link OnDemandRows}: refusing a file (state REFUSED), re-judging a refused one when its file
 * changes, and stopping a running vassal whose owner changed. Loop thread only, like the table.
 */
final class TyrantRows {
    private final Lifecycle table;
    private final Effects fx;
    private final Blacklist blacklist;
    private final EmperorLog log;
    private final boolean tyrant;

    TyrantRows(Lifecycle table, Effects fx, Blacklist blacklist, EmperorLog log, boolean tyrant) {
        this.table = table;
        this.fx = fx;
        this.blacklist = blacklist;
        this.log = log;
        this.tyrant = tyrant;
    }

    /**
     * A scan saw the file of {@code v} again ({@code before}: what the record held): true when a
     * Tyrant row took the event, false when the ordinary "file newer" rows apply.
     */
    boolean fileSeen(Vassal v, VassalSource before, VassalSource f, long now) {
        boolean ownerChanged = before.uid() != f.uid() || before.gid() != f.gid();
        if (v.state == VassalState.REFUSED) {
            if (f.refusal() == null) {
                blacklist.unrefuse(v.name);
                v.newRecord(now);
                if (v.listenFd < 0) {
                    v.socketName = f.onDemandSocket(); // a refusal may have been about the socket: take the checked one
                }
                table.start(v, now); // an on-demand vassal binds and sleeps again
            } else if (ownerChanged || f.mtimeNanos() > v.lastModNanos || !f.refusal().equals(before.refusal())) {
                v.lastModNanos = Math.max(v.lastModNanos, f.mtimeNanos());
                refuse(v, now);
            }
            return true;
        }
        if (tyrant && v.state == VassalState.ON_DEMAND && f.refusal() != null) {
            refuse(v, now); // asleep: nothing to stop, the socket is closed so clients are refused, not left hanging
            return true;
        }
        if (tyrant && v.state == VassalState.RUNNING && (ownerChanged || f.refusal() != null)) {
            // uWSGI prints this at every scan until the instance is gone; STOPPING is not re-checked here
            log.about(v, "permissions-changed").plain("!!! permissions of file " + v.name + " changed. stopping the instance... !!!");
            table.stop(v, StopReason.PERMISSIONS, now);
            return true;
        }
        return false;
    }

    /**
     * Tyrant refused the file: logged once per change of the file (uWSGI repeats the line at every
     * scan, burying everything else in the log), listed in the blacklist, never spawned.
     */
    void refuse(Vassal v, long now) {
        log.about(v, "refused").error(v.file.refusal());
        fx.closeOnDemand(v); // an on-demand socket nobody may serve: clients are refused rather than left hanging
        v.state = VassalState.REFUSED;
        v.pid = -1;
        blacklist.refuse(v.name, now);
    }
}
