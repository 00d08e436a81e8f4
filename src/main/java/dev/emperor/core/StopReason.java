package dev.emperor.core;

/** Why a vassal is being stopped; decides what its death means. */
public enum StopReason {
    /** Nobody asked: a death is a crash and leads to a (throttled) respawn. */
    NONE,
    /** Its config disappeared: the record goes away. */
    REMOVED,
    /** The Emperor is shutting down: the record goes away. */
    RAGNAROK,
    /** The command socket's {@code stop} (uWSGI: the record goes away; a dir/glob scan re-adds it). */
    COMMAND,
    /** An operator's stop through HTTP control or ctl: the vassal stays SUSPENDED until started. */
    OPERATOR,
    /** The vassal asked to stop (byte 22, die-on-idle): as in uWSGI, its config is still there, so it comes back. */
    VOLUNTARY,
    /** Tyrant: the owner of its config changed; the record goes away and the next scan re-adds it as the new owner. */
    PERMISSIONS,
    /** An on-demand vassal sent byte 22: uWSGI's status 2; when reaped it sleeps again on its socket. */
    ON_DEMAND
}
