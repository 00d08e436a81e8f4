package dev.emperor.core;

import dev.emperor.internal.Reaped;
import dev.emperor.source.VassalSource;
import dev.emperor.protocol.PipeByte;

/**
 * The vassal lifecycle as one state × event table: each public method taking a vassal is one row
 * (an event), and its switch over {@link VassalState} holds that row's cells. The table itself,
 * every state a column, is docs/lifecycle.md, "The table"; LifecycleDocTest checks that its rows and
 * columns are this class's events, Control's actions and VassalState, and LifecycleTableTest fires
 * every event at every state and checks where the vassal ends against docs/lifecycle.md,
 * "Reachable states".
 *
 * <p>The sibling row classes ({@link OnDemandRows}, {@link TyrantRows}, {@link SpawnRows},
 * {@link Control}) decide parts of a row and return a {@link Next}; {@link TableVerbs} carries it
 * out through {@link Transitions}, the only writer of a record's state and spawnAt
 * (docs/lifecycle.md, "Who writes a state"). Loop thread only. Deadlines ("tick") are monotonic ms,
 * judged after the pending pipe bytes and reaps (docs/reliability-time.md).
 */
public final class Lifecycle {
    private final Effects fx;
    private final Blacklist blacklist;
    private final EmperorLog log;
    private final Settings settings;
    private final Transitions to;
    private final OnDemandRows onDemand;
    private final TyrantRows tyrant;
    private final SpawnRows spawns;
    private final Control control;
    private final TableVerbs verbs;
    private final Timers timers;
    private final Broodlord broodlord;

    /** The timing options the table needs, in milliseconds. */
    public record Settings(long curseToleranceMs, long requiredHeartbeatMs, boolean gracefulShutdown, boolean noBlacklist,
                           long baseRetryMs, java.util.Set<String> forkBases, boolean tyrant, int broodlord) {
        public Settings(long curseToleranceMs, long requiredHeartbeatMs, boolean gracefulShutdown, boolean noBlacklist,
                        long baseRetryMs, java.util.Set<String> forkBases, boolean tyrant) {
            this(curseToleranceMs, requiredHeartbeatMs, gracefulShutdown, noBlacklist, baseRetryMs, forkBases, tyrant, 0);
        }

        public Settings(long curseToleranceMs, long requiredHeartbeatMs, boolean gracefulShutdown, boolean noBlacklist) {
            this(curseToleranceMs, requiredHeartbeatMs, gracefulShutdown, noBlacklist, 100, java.util.Set.of());
        }

        public Settings(long curseToleranceMs, long requiredHeartbeatMs, boolean gracefulShutdown, boolean noBlacklist,
                        long baseRetryMs, java.util.Set<String> forkBases) {
            this(curseToleranceMs, requiredHeartbeatMs, gracefulShutdown, noBlacklist, baseRetryMs, forkBases, false);
        }
    }

    public Lifecycle(Effects fx, Blacklist blacklist, EmperorLog log, Settings settings) {
        this.fx = fx;
        this.blacklist = blacklist;
        this.log = log;
        this.settings = settings;
        this.to = new Transitions(fx, blacklist, log, settings);
        this.onDemand = new OnDemandRows(fx, blacklist, log);
        this.tyrant = new TyrantRows(fx, blacklist, log, settings.tyrant());
        this.spawns = new SpawnRows(fx, blacklist, log, settings);
        this.control = new Control(blacklist, log);
        this.timers = new Timers(fx, log, settings);
        this.verbs = new TableVerbs(fx, blacklist, log, settings, to, onDemand, tyrant, spawns);
        this.broodlord = new Broodlord(fx, blacklist, log, settings.broodlord());
    }

    /** A monitor reports a name with no record: uWSGI's {@code emperor_add}; {@code suspend}: emperor-wait-for-command. */
    public Vassal fileAppeared(VassalSource f, long now, boolean suspend) {
        return appeared(new Vassal(f, now), f, now, suspend);
    }

    private Vassal appeared(Vassal v, VassalSource f, long now, boolean suspend) {
        v.socketName = f.onDemandSocket();
        if (f.refusal() != null) {
            verbs.refuse(v, now);
        } else if (suspend) {
            log.about(v, "suspended").plain("[uwsgi-emperor] " + v.name + " -> \"wait-for-command\" instance detected, waiting for the spawn command ...");
            to.enter(v, VassalState.SUSPENDED);
        } else {
            verbs.start(v, now);
        }
        return v;
    }

    /** A client connected to the listening socket of a sleeping on-demand vassal: spawn it now. */
    public void onDemandConnection(Vassal v, long now) {
        if (v.state == VassalState.ON_DEMAND) {
            fx.watchOnDemand(v, false);
            verbs.trySpawn(v, now);
        }
    }

    /** An on-demand start that threw: stop watching the socket, try again after a second (THROTTLED → ON_DEMAND). */
    public void onDemandStartFailed(Vassal v, long now) {
        fx.watchOnDemand(v, false);
        if (v.state == VassalState.ON_DEMAND) {
            to.throttle(v, now + LoopGuard.RETRY_MS);
        }
    }

    /**
     * Master's hook-as-on-demand-vassal or hook-as-on-config-vassal ended off the loop ({@code ok}: every
     * line succeeded); {@code sleep}: the {@code v.sleeps} it was queued in. Only the same sleep hears it:
     * a vassal that woke, stopped or slept again since has left the sleep the hook was about.
     */
    public void onDemandHookDone(Vassal v, long sleep, boolean configChanged, boolean ok, long now) {
        switch (v.state) {
            case ON_DEMAND -> {
                if (v.sleeps == sleep) {
                    verbs.carryOut(v, onDemand.hookDone(v, configChanged, ok), now, now);
                }
            }
            case THROTTLED, ADOPTING, WAITING_FOR_BASE, RUNNING, STOPPING, CURSED, SUSPENDED, EXILED, REFUSED -> { }
        }
    }

    public void fileSeen(Vassal v, VassalSource f, long now) {
        VassalSource before = v.file;
        v.file = f;
        v.fileGone = false;
        Next tyrantRow = tyrant.fileSeen(v, before, f);
        if (tyrantRow != null) {
            verbs.carryOut(v, tyrantRow, now, now);
            return;
        }
        if (f.mtimeNanos() <= v.lastModNanos) {
            return; // unchanged or older: uWSGI does not reload for an older mtime either
        }
        switch (v.state) {
            case RUNNING -> verbs.reload(v, f.mtimeNanos(), now);
            case THROTTLED, SUSPENDED -> v.lastModNanos = f.mtimeNanos();
            case ON_DEMAND -> onDemand.updatedWhileAsleep(v, f.mtimeNanos());
            case EXILED -> verbs.carryOut(v, Next.FRESH_START, now, now);
            case STOPPING, CURSED, ADOPTING, WAITING_FOR_BASE, REFUSED -> { }
        }
    }

    public void fileGone(Vassal v, long now) {
        v.fileGone = true;
        if (settings.forkBases().contains(v.name)) {
            log.about(v, "base-removed").warn("[emperor] fork-server base " + v.name + " removed: adopted vassals keep running;"
                    + " their respawns wait until a base listens on the fork-server socket again");
        }
        end(v, StopReason.REMOVED, now);
    }

    /** SIGTERM/SIGINT: stop everything; the loop exits when nothing is left. */
    public void ragnarok(Vassal v, long now) {
        end(v, StopReason.RAGNAROK, now);
    }

    /** The rows shared by fileGone and ragnarok: a running vassal is stopped, one on its way out remembers why. */
    private void end(Vassal v, StopReason reason, long now) {
        switch (v.state) {
            case RUNNING -> to.stop(v, reason, now);
            case STOPPING, CURSED, ADOPTING -> v.stopReason = reason;
            case THROTTLED, EXILED, WAITING_FOR_BASE, SUSPENDED, REFUSED, ON_DEMAND -> to.forget(v);
        }
    }

    public void pipeByte(Vassal v, int b, long now) {
        switch (b) {
            case PipeByte.SPAWNED -> {
                v.ready = true;
                v.lastReady = now;
                log.about(v, "spawned").verbose("[emperor] vassal " + v.name + " has been spawned");
            }
            case PipeByte.ACCEPTING -> {
                v.accepting = true;
                v.lastAccepting = now;
                log.about(v, "accepting").verbose("[emperor] vassal " + v.name + " is ready to accept requests");
            }
            case PipeByte.LOYAL -> {
                v.loyal = true;
                v.lastLoyal = now;
                blacklist.remove(v.name);
                log.about(v, "loyal").verbose("[emperor] vassal " + v.name + " is now loyal");
            }
            case PipeByte.HEARTBEAT -> v.lastHeartbeat = now;
            case PipeByte.CONFIG_REQUEST -> fx.pushConfig(v); // reloading: it reads the current config again
            case PipeByte.VOLUNTARY_STOP -> {
                if (v.state == VassalState.RUNNING) {
                    // an on-demand vassal goes back to sleep: uWSGI's emperor_back_to_ondemand, status 2
                    to.stop(v, v.socketName != null ? StopReason.ON_DEMAND
                            : v.zergOf != null ? StopReason.ZERG_IDLE : StopReason.VOLUNTARY, now);
                }
            }
            case PipeByte.BROODLORD -> {
                // uWSGI's emperor_add of NAME:zerg: a new record, started like a file that appeared
                Vassal zerg = broodlord.zergFor(v, now);
                if (zerg != null) {
                    fx.add(appeared(zerg, zerg.file, now, false));
                }
            }
            default -> { } // others: ignored as uWSGI does
        }
    }

    public void pipeEof(Vassal v, long now) {
        fx.closePipe(v);
        // uWSGI's emperor_curse returns early for status 1 (stopping or already cursed); for ADOPTING
        // the pid reply decides: with the pipe gone the vassal is cursed as soon as its pid is known
        if (v.state == VassalState.RUNNING) {
            to.curse(v, now, true);
        }
    }

    public void reaped(Vassal v, Reaped r, long now) {
        v.exited(r, now); // before pid is cleared: the stats show how it ended and when
        fx.closePipe(v);
        v.pid = -1;
        switch (v.state) {
            case RUNNING, CURSED, STOPPING -> verbs.carryOut(v, spawns.afterDeath(v, r, now), now, now);
            case THROTTLED, EXILED, ADOPTING, WAITING_FOR_BASE, SUSPENDED, REFUSED, ON_DEMAND -> { }
        }
    }

    /**
     * The exit of v's process could not be handled (an exception in {@link #reaped}): that exit is not
     * reported twice, so the record must not keep a pid that may be reused. A vassal on its way out is
     * forgotten; any other is started again in a second, as after a crash (docs/reliability.md).
     */
    public void reapFailed(Vassal v, long now) {
        v.pid = -1;
        fx.closePipe(v);
        if (v.stopReason.forgetsRecord()) {
            to.forget(v);
        } else {
            v.newRecord(now);
            to.throttle(v, now + LoopGuard.RETRY_MS);
        }
    }

    /** The fork server answered with the pid of the adopted vassal; {@code alreadyDead} if we reaped it before. */
    public void adopted(Vassal v, int pid, Reaped alreadyDead, long now) {
        if (v.state != VassalState.ADOPTING) {
            return;
        }
        to.adopted(v, pid);
        if (alreadyDead != null) {
            reaped(v, alreadyDead, now);
        } else if (v.stopReason.stopsAnAdoption()) {
            to.stop(v, v.stopReason, now);
        } else if (v.pipeFd < 0) {
            to.curse(v, now, false); // its pipe hit EOF during the session
        }
    }

    /** The fork-server session failed (connection dropped, timeout, bad reply): uWSGI deletes and blacklists. */
    public void adoptionFailed(Vassal v, String why, long now) {
        if (v.state == VassalState.ADOPTING) {
            sessionFailed(v, why, now);
        }
    }

    /** An adopted pid that never became our child cannot be supervised: drop it (its pipe EOF stops it). */
    public void notOurChild(Vassal v, long now) {
        log.about(v, "adoption-failed").error("[emperor] vassal " + v.name + ": pid " + v.pid + " reported by the fork server is not a child of the Emperor;"
                + " closing its pipe (it exits on EOF) and retrying");
        fx.closePipe(v);
        v.pid = -1;
        sessionFailed(v, "pid is not a child of the Emperor", now);
    }

    /** uWSGI deletes and blacklists; a vassal removed (or Ragnarok) meanwhile is forgotten. */
    private void sessionFailed(Vassal v, String why, long now) {
        log.about(v, "adoption-failed").verbose("[uwsgi-emperor] " + v.name + ": unable to complete fork-server session (" + why + ")");
        fx.closePipe(v);
        verbs.carryOut(v, v.stopReason.stopsAnAdoption() ? Next.FORGET : Next.fail(settings.baseRetryMs()), now, now);
    }

    public void tick(Vassal v, long now) {
        switch (v.state) {
            case THROTTLED -> {
                if (now >= v.spawnAt) {
                    verbs.start(v, now);
                }
            }
            case WAITING_FOR_BASE -> {
                if (now >= v.spawnAt) {
                    verbs.trySpawn(v, now);
                }
            }
            case RUNNING -> timers.heartbeat(v, now);
            case STOPPING, CURSED -> timers.tolerance(v, now);
            case EXILED, ADOPTING, SUSPENDED, REFUSED, ON_DEMAND -> { }
        }
    }

    /** The next time {@link #tick} has something to do for v, or Long.MAX_VALUE. */
    public long nextDeadline(Vassal v) {
        return timers.nextDeadline(v);
    }

    /** A handler for v threw: its next deadline moves a second ahead, so a failing row is not retried in a tight loop. */
    public void postpone(Vassal v, long now) {
        switch (v.state) {
            case THROTTLED, WAITING_FOR_BASE -> to.postpone(v, now + LoopGuard.RETRY_MS);
            case STOPPING, CURSED, RUNNING -> timers.postpone(v, now);
            case ADOPTING, EXILED, SUSPENDED, REFUSED, ON_DEMAND -> { }
        }
    }

    /** The blacklist was cleared (SIGURG): a throttled vassal is due now. */
    public void blacklistCleared(Vassal v, long now) {
        if (v.state == VassalState.THROTTLED) {
            to.throttle(v, now);
        }
    }

    /** SIGHUP ({@code emperor_massive_reload}): byte 1 to every running vassal, last_mod = now (wall). */
    public void reloadAll(Vassal v, long now, long wallNowMs) {
        if (v.state == VassalState.RUNNING) {
            verbs.reload(v, Math.max(wallNowMs * 1_000_000L, v.lastModNanos), now);
        } else if (v.state == VassalState.ON_DEMAND) {
            onDemand.updatedWhileAsleep(v, Math.max(wallNowMs * 1_000_000L, v.lastModNanos));
        }
    }

    /** The Emperor itself was paused (frozen VM, swap storm): heartbeat and curse tolerance start again from now. */
    public void freshWindow(Vassal v, long now) {
        v.windowFrom = Math.max(v.windowFrom, now);
    }

    /** An operator command (the rows named after {@link Control.Action}): why it was refused, null when done. */
    String command(Control.Action action, Vassal v, long now, long wallNowMs) {
        Control.Order order = control.decide(action, v);
        verbs.carryOut(v, order.next(), now, wallNowMs);
        return order.refusal();
    }
}
