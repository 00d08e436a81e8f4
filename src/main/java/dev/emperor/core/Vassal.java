package dev.emperor.core;

import dev.emperor.source.VassalSource;

/**
 * One instance record ({@code struct uwsgi_instance}). Mutable, and touched only by the event
 * loop thread. Two clocks (docs/reliability-time.md): {@code born} and {@code lastModNanos} are wall
 * times taken from the file (or SIGHUP); every other time here is a {@link LoopClock#monotonicMs()}
 * instant, judged against deadlines and turned into epoch seconds only in {@link #view}.
 */
public final class Vassal {
    final String name;
    VassalSource file;
    VassalState state = VassalState.THROTTLED;
    StopReason stopReason = StopReason.NONE;
    int pid = -1;
    int pipeFd = -1;
    /** The Emperor's end of the config pipe (a config-shaped source), -1 for none; closed with the pipe. */
    int configFd = -1;
    long born;
    long lastModNanos;
    long lastHeartbeat;
    boolean loyal;
    boolean ready;
    boolean accepting;
    long lastLoyal;
    long lastReady;
    long lastAccepting;
    long firstRun;
    long lastRun;
    long cursedAt;
    long respawns;
    /** Process starts of this name since the daemon started (not in uWSGI's document; for metrics). */
    long starts;
    /** Processes of this name reaped while this record lived; never reset by {@link #newRecord}. */
    long deaths;
    /** {@code respawns} of the records before this one (a crash makes a fresh record): for a monotonic counter. */
    long earlierRespawns;
    /** The last reap's wait status, -1 = none yet; and its loop time (monotonic ms, shown as wall time). */
    int lastExitStatus = -1;
    long lastExitAt;
    /** When a THROTTLED vassal may be spawned again. */
    long spawnAt;
    /**
     * Heartbeat and curse tolerance count from no earlier than this: set when the Emperor itself was
     * paused, so that a vassal is not judged by time during which nobody could listen to it.
     */
    long windowFrom;
    boolean fileGone;
    /** Created by a fork server rather than spawned by us (stats {@code adopted}). */
    boolean adopted;
    /** Adopted, but its parent is not (yet) the Emperor: checked until this deadline. */
    long parentCheckUntil;
    /** A reload byte was sent: an adopted vassal answers it by exiting 0 (master's exit_on_reload). */
    boolean reloadPending;
    /** When the fork-server wait was last logged, to say it once rather than at every retry. */
    boolean waitLogged;
    /** The on-demand socket name (uWSGI {@code socket_name}), null for a normal vassal; kept across respawns. */
    String socketName;
    /** The Emperor's listening socket for it, -1 when not bound; stays open while the vassal runs. */
    int listenFd = -1;
    /** The listening socket is in the poller (only while ON_DEMAND, and not while an on-demand hook runs). */
    boolean listenWatched;
    /** How many times it went to sleep on its socket: an on-demand hook's outcome counts only for its own sleep. */
    long sleeps;
    /** On-demand hooks of this sleep still running: the socket is watched once none is (docs/hooks.md). */
    int sleepHooks;
    /** (dev, inode) of the UNIX socket file we bound, to unlink it at removal only if it is still ours. */
    Object listenFileKey;
    /** Broodlord: the name of the vassal this zerg instance reinforces, null for a vassal of its own. */
    String zergOf;

    Vassal(VassalSource file, long now) {
        this(file.name(), file, now);
    }

    /** A record whose name is not its source's: the second and later zergs of one vassal (docs/uwsgi-compat.md, "Broodlord"). */
    Vassal(String name, VassalSource file, long now) {
        this.name = name;
        this.file = file;
        newRecord(now);
    }

    /** What uWSGI's {@code emperor_add} sets on a fresh record (a crash respawn gets a fresh record too). */
    void newRecord(long now) {
        born = file.mtimeSeconds() * 1000;
        lastModNanos = file.mtimeNanos();
        firstRun = now;
        lastRun = now;
        loyal = ready = accepting = false;
        lastLoyal = lastReady = lastAccepting = 0;
        lastHeartbeat = 0;
        cursedAt = 0;
        earlierRespawns += respawns;
        windowFrom = 0;
        respawns = 0;
        stopReason = StopReason.NONE;
        reloadPending = false;
    }

    /** Its master was reaped: counted and kept for the stats (docs/logging.md, "What operators see"). */
    void exited(dev.emperor.internal.Reaped r, long now) {
        deaths++;
        lastExitStatus = r.status();
        lastExitAt = now;
    }

    VassalExits exits(LoopClock.WallView wall) {
        if (lastExitStatus < 0) {
            return new VassalExits(starts, deaths, earlierRespawns, -1, 0, 0);
        }
        dev.emperor.internal.Reaped r = new dev.emperor.internal.Reaped(pid, lastExitStatus);
        return new VassalExits(starts, deaths, earlierRespawns, r.exitCode(), r.signal(), lastExitAt + wall.offsetMs());
    }

    public String name() {
        return name;
    }

    public int pid() {
        return pid;
    }

    public VassalState state() {
        return state;
    }

    public boolean loyal() {
        return loyal;
    }

    public long respawns() {
        return respawns;
    }

    /** A view for records whose times all come from one clock (tests). */
    VassalView view(long throttleMs) {
        return view(throttleMs, LoopClock.WallView.IDENTITY);
    }

    VassalView view(long throttleMs, LoopClock.WallView wall) {
        return new VassalView(name, pid, born / 1000, Math.floorDiv(lastModNanos, 1_000_000_000L),
                wall.seconds(lastHeartbeat), loyal, ready, accepting, wall.seconds(lastLoyal), wall.seconds(lastReady),
                wall.seconds(lastAccepting), wall.seconds(firstRun), wall.seconds(lastRun), wall.seconds(cursedAt), zergOf != null,
                socketName == null ? "" : socketName,
                state == VassalState.SUSPENDED, adopted, file.uid(), file.gid(), file.monitor(), file.attrs(), respawns,
                state.label(), throttleMs, exits(wall));
    }
}
