package dev.emperor.core;

/**
 * Why a vassal is being stopped; decides what its death means (docs/lifecycle.md, "Stop reasons").
 * {@link #forgetsRecord()} is the one place that says which reaps end the record.
 */
public enum StopReason {
    /** Nobody asked: a death is a crash and leads to a (throttled) respawn. */
    NONE(false),
    /** Its config disappeared: the record goes away. */
    REMOVED(true),
    /** The Emperor is shutting down: the record goes away. */
    RAGNAROK(true),
    /** The command socket's {@code stop} (uWSGI: the record goes away; a dir/glob scan re-adds it). */
    COMMAND(true),
    /** An operator's stop through HTTP control or ctl: the vassal stays SUSPENDED until started. */
    OPERATOR(false),
    /** The vassal asked to stop (byte 22, die-on-idle): as in uWSGI, its config is still there, so it comes back. */
    VOLUNTARY(false),
    /** Tyrant: the owner of its config changed; the record goes away and the next scan re-adds it as the new owner. */
    PERMISSIONS(true),
    /** An on-demand vassal sent byte 22: uWSGI's status 2; when reaped it sleeps again on its socket. */
    ON_DEMAND(false),
    /** A broodlord zerg sent byte 22 (die-on-idle): it has no config file of its own, so nothing brings it back. */
    ZERG_IDLE(true);

    private final boolean forgets;

    StopReason(boolean forgets) {
        this.forgets = forgets;
    }

    /** When the stopped process is reaped, its record is forgotten rather than kept, suspended or respawned. */
    public boolean forgetsRecord() {
        return forgets;
    }

    /** Set while a fork-server session was in flight: the pid reply is answered with a stop at once. */
    boolean stopsAnAdoption() {
        return this == REMOVED || this == RAGNAROK;
    }
}
