package dev.emperor.core;

/**
 * What a vassal's processes did while its record lived (not in uWSGI's document; for operators): how
 * many were started and how many died, and how the last one ended. Both counters only grow while the
 * record lives — a crash makes uWSGI a fresh record (its {@code respawns} restarts at 0) but not us,
 * so Prometheus' {@code rate()} stays meaningful (docs/logging.md, "What operators see").
 *
 * @param starts         processes started (spawned or adopted) under this name since the record was made
 * @param deaths         of those, processes reaped (any exit: crash, stop, reload of an adopted vassal)
 * @param earlierRespawns uWSGI's {@code respawns} (reloads) of the records before the current one (a crash
 *                        makes a fresh record): plus the current {@code respawns}, a count that never drops
 * @param lastExitCode   exit status of the last one reaped, -1 when none or when it was killed by a signal
 * @param lastExitSignal signal that killed the last one, 0 when none or when it exited
 * @param lastExitMillis wall-clock time of that reap (epoch ms), 0 = never
 */
public record VassalExits(long starts, long deaths, long earlierRespawns, int lastExitCode, int lastExitSignal, long lastExitMillis) {

    public static final VassalExits NONE = new VassalExits(0, 0, 0, -1, 0, 0);

    /** A process of this vassal has been reaped at least once. */
    public boolean exitedOnce() {
        return lastExitMillis > 0 || deaths > 0;
    }
}
