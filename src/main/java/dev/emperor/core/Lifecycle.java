package dev.emperor.core;

import dev.emperor.internal.Reaped;
import dev.emperor.source.VassalSource;
import dev.emperor.protocol.PipeByte;

/**
 * The vassal lifecycle as one state × event table — the same table, by state, is
 * docs/lifecycle.md, "The table" (LifecycleDocTest checks it against this class). Every transition of every vassal happens here, on the loop thread.
 *
 * <pre>
 * event \ state   | THROTTLED          | RUNNING                    | STOPPING               | CURSED                 | EXILED
 * ----------------+--------------------+----------------------------+------------------------+------------------------+------------------
 * (fork-server adoption, docs/lifecycle.md, "Fork-server adoption": a spawn may instead give ADOPTING or WAITING_FOR_BASE)
 * ADOPTING        : pid reply → RUNNING (adopted; or STOPPING if removed/Ragnarok meanwhile; crash(*) if already reaped);
 *                   session failure/timeout → "unable to complete fork-server session", blacklist, THROTTLED;
 *                   file gone / Ragnarok → reason recorded, acted on when the reply comes; pipe bytes as RUNNING
 * WAITING_FOR_BASE: tick after the retry interval → try again (no blacklist: the base is loading);
 *                   file gone / Ragnarok → forget
 * (new file)      | → spawn, or THROTTLED while the blacklist window is open (no record yet)
 * file newer      | keep new mtime     | byte 1 (reload), respawns++| –                      | –                      | → try spawn
 * file gone       | forget             | byte 0/2 → STOPPING(REMOVED)| reason := REMOVED     | reason := REMOVED      | forget
 * byte 1/5/17/26  | –                  | ready/accepting/loyal (+ unblacklist)/heartbeat, also while STOPPING/CURSED
 * byte 22         | –                  | byte 0/2 → STOPPING(VOLUNTARY)| –                   | –                      | –
 * pipe EOF        | –                  | → CURSED (curse line)      | curse line             | –                      | –
 * reaped          | –                  | crash(*)                   | REMOVED/RAGNAROK: forget; VOLUNTARY: crash(*) | crash(*), or forget if REMOVED/RAGNAROK | –
 * tick            | window over → spawn| heartbeat late → SIGKILL   | tolerance over → SIGKILL (again every tolerance; not in Ragnarok: reload-mercy rules) | same | –
 * SIGHUP          | –                  | byte 1, last_mod = now     | –                      | –                      | –
 * Emperor paused  | –                  | fresh heartbeat window     | fresh tolerance        | fresh tolerance        | –
 * (times: "tick" deadlines are monotonic ms, judged after pending pipe bytes and reaps; a pause of the Emperor
 *  itself gives every vassal one fresh window — docs/reliability-time.md)
 * spawn slot      : none left in this loop iteration (a burst) → THROTTLED with the window already over, taken
 *                   on a later iteration after the reaps and pipe bytes (docs/reliability-time.md, "Bursts")
 * Ragnarok        | forget             | byte 0/2 → STOPPING(RAGNAROK)| reason := RAGNAROK   | reason := RAGNAROK     | forget
 * SUSPENDED       : (new file with emperor-wait-for-command, or reaped after an OPERATOR stop) file newer → keep
 *                   mtime only (master ignores reloads of suspended vassals); file gone / Ragnarok → forget;
 *                   operator commands (see {@link Control}) start it
 * reaped with reason COMMAND → forget (re-added by the next scan, as uWSGI); OPERATOR → SUSPENDED
 * REFUSED         : (emperor-tyrant: the file carries a refusal: root owner, symlink owner ≠ target owner, no passwd
 *                   entry with initgroups) entered instead of any spawn — new file, crash respawn, throttle over, exile
 *                   lifted, operator start — refusal line logged, blacklist entry (level 0) added;
 *                   file newer / owner changed → still refused: log again, once per change (uWSGI logs it at every
 *                   scan); acceptable now → unblacklist, fresh record, spawn; file gone / Ragnarok → forget + unblacklist;
 *                   bytes, reaped, tick, SIGHUP: –; an on-demand vassal's socket is closed on refusal (also when
 *                   refused while asleep, ON_DEMAND + file refused) and bound again once the file is acceptable
 * (the REFUSED and Tyrant rows are carried out by {@link TyrantRows}, the ON_DEMAND ones by {@link OnDemandRows})
 * Tyrant, RUNNING : owner uid/gid changed, or the file became refused → "!!! permissions of file NAME changed.
 *                   stopping the instance... !!!", byte 0/2 → STOPPING(PERMISSIONS); reaped → forget, the next scan
 *                   re-adds it as the new owner (or REFUSED)
 * ON_DEMAND (docs/lifecycle.md, "On-demand vassals"; the vassal's file carried a socket name when its record was created):
 *   (new file)      → bind (TCP if the name has ':', else UNIX) → ON_DEMAND, socket watched, "on demand" line;
 *                     bind error → "emperor_add()/bind(): ERR", blacklist, THROTTLED (retried after the window);
 *                     THROTTLED while the blacklist window is open (nothing bound yet)
 *   connection      → stop watching, spawn with the socket on fd 0 (fork server: 3rd SCM_RIGHTS fd) → RUNNING;
 *                     a failed spawn → blacklist, THROTTLED (socket kept, not watched); no binary (exile) →
 *                     EXILED, socket closed
 *   file newer      → last_mod only, ready/accepting reset, "updated configuration" line
 *   file gone       → forget, listening socket closed (UNIX file unlinked only if still ours)
 *   Ragnarok        → forget (nothing to signal: pid -1, never kill(-1))
 *   SIGHUP          → as file newer with last_mod = now
 *   operator stop   → SUSPENDED, socket closed (clients refused); a start binds it again
 *   tick, pipe, reaped: –
 * on-demand vassal in other states:
 *   RUNNING + byte 22 → byte 0/2 → STOPPING(ON_DEMAND), "bringing back instance" line
 *   STOPPING(ON_DEMAND) reaped → ON_DEMAND (pipe closed, pid -1, ready/accepting reset, socket watched
 *                     again — pending connections spawn it again at once, level-triggered; no blacklist check,
 *                     as uWSGI), "back to" line; removed or Ragnarok meanwhile → forget as any STOPPING vassal
 *   crash(*)        → blacklist as usual, socket kept; ON_DEMAND (watched) at once or after the window
 *                     (THROTTLED, tick → ON_DEMAND) — a crash never respawns by itself; exit 26 → EXILED, socket closed
 *   THROTTLED tick  → ON_DEMAND (bind again if needed) instead of a spawn; a refused file → REFUSED, nothing bound
 *   EXILED + file newer → ON_DEMAND again
 *   SUSPENDED (wait-for-command wins, as in uWSGI master) → a start command puts it to ON_DEMAND
 * loyal (17) also removes the name from the blacklist.
 * spawn DEFERRED (out of fds, memory or processes; docs/reliability.md) → THROTTLED until the retry time of the
 *                   condition, no blacklist entry, no per-vassal line; scan "look failed" for a name → its record untouched
 * (*) crash: exit 26 → EXILED; else blacklist if never loyal (unless emperor-no-blacklist),
 *     fresh record (uWSGI's emperor_add), spawn or THROTTLED.
 * </pre>
 */
public final class Lifecycle {
    private final Effects fx;
    private final Blacklist blacklist;
    private final EmperorLog log;
    private final Settings settings;
    private final OnDemandRows onDemand;
    private final TyrantRows tyrantRows;

    /** The timing options the table needs, in milliseconds. */
    public record Settings(long curseToleranceMs, long requiredHeartbeatMs, boolean gracefulShutdown, boolean noBlacklist,
                           long baseRetryMs, java.util.Set<String> forkBases, boolean tyrant) {
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
        this.onDemand = new OnDemandRows(fx, blacklist, log, settings);
        this.tyrantRows = new TyrantRows(this, fx, blacklist, log, settings.tyrant());
    }

    /** A monitor reports a name with no record: uWSGI's {@code emperor_add}. */
    public Vassal fileAppeared(VassalSource f, long now) {
        return fileAppeared(f, now, false);
    }

    /** As above; {@code suspend}: emperor-wait-for-command applies to this name. */
    public Vassal fileAppeared(VassalSource f, long now, boolean suspend) {
        Vassal v = new Vassal(f, now);
        v.socketName = f.onDemandSocket();
        if (f.refusal() != null) {
            tyrantRows.refuse(v, now);
        } else if (suspend) {
            v.state = VassalState.SUSPENDED;
            log.about(v, "suspended").plain("[uwsgi-emperor] " + v.name + " -> \"wait-for-command\" instance detected, waiting for the spawn command ...");
        } else {
            start(v, now);
        }
        return v;
    }

    /** A new or fresh record starts: asleep on its socket when on-demand, else spawned. */
    void start(Vassal v, long now) {
        if (v.file.refusal() != null) {
            tyrantRows.refuse(v, now); // before binding: a refused file gets no socket either (trySpawn checks the same)
            return;
        }
        if (v.socketName != null) {
            onDemand.sleep(v, now, false);
        } else {
            trySpawn(v, now);
        }
    }

    /**
     * An operator stop of a vassal that is not running: SUSPENDED until a start. An on-demand socket
     * is closed (clients are refused, not left hanging in the backlog); the start binds it again.
     */
    void park(Vassal v) {
        fx.closeOnDemand(v);
        v.state = VassalState.SUSPENDED;
    }

    /** A client connected to the listening socket of a sleeping on-demand vassal: spawn it now. */
    public void onDemandConnection(Vassal v, long now) {
        if (v.state != VassalState.ON_DEMAND) {
            return;
        }
        fx.watchOnDemand(v, false);
        trySpawn(v, now);
    }

    public void fileSeen(Vassal v, VassalSource f, long now) {
        VassalSource before = v.file;
        v.file = f;
        v.fileGone = false;
        if (tyrantRows.fileSeen(v, before, f, now)) {
            return;
        }
        if (f.mtimeNanos() <= v.lastModNanos) {
            return; // unchanged or older: uWSGI does not reload for an older mtime either
        }
        switch (v.state) {
            case RUNNING -> reload(v, f.mtimeNanos(), now);
            case THROTTLED, SUSPENDED -> v.lastModNanos = f.mtimeNanos();
            case ON_DEMAND -> onDemand.updatedWhileAsleep(v, f.mtimeNanos());
            case EXILED -> {
                v.newRecord(now);
                start(v, now);
            }
            case STOPPING, CURSED, ADOPTING, WAITING_FOR_BASE, REFUSED -> { }
        }
    }

    public void fileGone(Vassal v, long now) {
        v.fileGone = true;
        if (settings.forkBases().contains(v.name)) {
            log.about(v, "base-removed").warn("[emperor] fork-server base " + v.name + " removed: adopted vassals keep running;"
                    + " their respawns wait until a base listens on the fork-server socket again");
        }
        switch (v.state) {
            case RUNNING -> stop(v, StopReason.REMOVED, now);
            case STOPPING, CURSED, ADOPTING -> v.stopReason = StopReason.REMOVED;
            case THROTTLED, EXILED, WAITING_FOR_BASE, SUSPENDED, REFUSED, ON_DEMAND -> forget(v);
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
                if (v.state == VassalState.RUNNING && v.socketName != null) {
                    onDemand.backToOnDemand(v, now);
                } else if (v.state == VassalState.RUNNING) {
                    stop(v, StopReason.VOLUNTARY, now);
                }
            }
            default -> { } // 30 (broodlord: not enabled), others: ignored as uWSGI does
        }
    }

    public void pipeEof(Vassal v, long now) {
        fx.closePipe(v);
        if (v.state != VassalState.RUNNING) {
            // uWSGI's emperor_curse returns early for status 1 (stopping or already cursed); for ADOPTING
            // the pid reply decides: with the pipe gone the vassal is cursed as soon as its pid is known
            return;
        }
        log.about(v, "cursed").verbose("[emperor] curse the uwsgi instance " + v.name + " (pid: " + v.pid + ")");
        v.state = VassalState.CURSED;
        v.cursedAt = now;
    }

    public void reaped(Vassal v, Reaped r, long now) {
        v.exited(r, now); // before pid is cleared: the stats show how it ended and when
        fx.closePipe(v);
        v.pid = -1;
        boolean goesAway = v.stopReason == StopReason.REMOVED || v.stopReason == StopReason.RAGNAROK
                || v.stopReason == StopReason.COMMAND || v.stopReason == StopReason.PERMISSIONS;
        switch (v.state) {
            case RUNNING, CURSED, STOPPING -> {
                if (goesAway) {
                    forget(v);
                } else if (v.stopReason == StopReason.ON_DEMAND && v.file.refusal() != null) {
                    tyrantRows.refuse(v, now); // its file turned refused while it was going back to sleep: no socket
                } else if (v.stopReason == StopReason.ON_DEMAND) {
                    onDemand.sleep(v, now, true); // uWSGI status 2: the vassal asked for it
                } else if (v.stopReason == StopReason.OPERATOR) {
                    log.about(v, "suspended").plain("[emperor] vassal " + v.name + " stopped by the operator, waiting for a start command");
                    v.state = VassalState.SUSPENDED;
                } else {
                    crashed(v, r, now);
                }
            }
            case THROTTLED, EXILED, ADOPTING, WAITING_FOR_BASE, SUSPENDED, REFUSED, ON_DEMAND -> { }
        }
    }

    /** The fork server answered with the pid of the adopted vassal; {@code alreadyDead} if we reaped it before. */
    public void adopted(Vassal v, int pid, Reaped alreadyDead, long now) {
        if (v.state != VassalState.ADOPTING) {
            return;
        }
        v.pid = pid;
        v.state = VassalState.RUNNING;
        v.starts++;
        if (alreadyDead != null) {
            reaped(v, alreadyDead, now);
            return;
        }
        if (v.stopReason == StopReason.REMOVED || v.stopReason == StopReason.RAGNAROK) {
            StopReason reason = v.stopReason;
            stop(v, reason, now);
        } else if (v.pipeFd < 0) {
            v.state = VassalState.CURSED; // its pipe hit EOF during the session
            v.cursedAt = now;
        }
    }

    /** The fork-server session failed (connection dropped, timeout, bad reply): uWSGI deletes and blacklists. */
    public void adoptionFailed(Vassal v, String why, long now) {
        if (v.state != VassalState.ADOPTING) {
            return;
        }
        log.about(v, "adoption-failed").verbose("[uwsgi-emperor] " + v.name + ": unable to complete fork-server session (" + why + ")");
        fx.closePipe(v);
        if (v.stopReason == StopReason.REMOVED || v.stopReason == StopReason.RAGNAROK) {
            forget(v);
            return;
        }
        if (!settings.noBlacklist()) {
            blacklist.add(v.name, now);
        }
        v.state = VassalState.THROTTLED;
        v.spawnAt = Math.max(blacklist.blockedUntil(v.name), now + settings.baseRetryMs());
    }

    /** An adopted pid that never became our child cannot be supervised: drop it (its pipe EOF stops it). */
    public void notOurChild(Vassal v, long now) {
        log.about(v, "adoption-failed").error("[emperor] vassal " + v.name + ": pid " + v.pid + " reported by the fork server is not a child of the Emperor;"
                + " closing its pipe (it exits on EOF) and retrying");
        fx.closePipe(v);
        v.pid = -1;
        v.state = VassalState.ADOPTING;
        adoptionFailed(v, "pid is not a child of the Emperor", now);
    }

    public void tick(Vassal v, long now) {
        switch (v.state) {
            case THROTTLED -> {
                if (now >= v.spawnAt) {
                    start(v, now);
                }
            }
            case RUNNING -> {
                if (v.lastHeartbeat > 0 && Math.max(v.lastHeartbeat, v.windowFrom) + settings.requiredHeartbeatMs() < now) {
                    log.about(v, "heartbeat-missed").plain("[emperor] vassal " + v.name + " sent no heartbeat in last "
                            + settings.requiredHeartbeatMs() / 1000 + " seconds, brutally respawning it...");
                    v.lastHeartbeat = 0;
                    fx.kill(v, 9);
                }
            }
            case STOPPING, CURSED -> {
                if (v.pid > 0 && v.stopReason != StopReason.RAGNAROK
                        && now - Math.max(v.cursedAt, v.windowFrom) >= settings.curseToleranceMs()) {
                    log.about(v, "sigkill").warn("[emperor] vassal " + v.name + " (pid: " + v.pid + ") still alive "
                            + settings.curseToleranceMs() / 1000 + " seconds after its stop: SIGKILL");
                    v.cursedAt = now;
                    fx.kill(v, 9);
                }
            }
            case WAITING_FOR_BASE -> {
                if (now >= v.spawnAt) {
                    trySpawn(v, now);
                }
            }
            case EXILED, ADOPTING, SUSPENDED, REFUSED, ON_DEMAND -> { }
        }
    }

    /** The next time {@link #tick} has something to do for v, or Long.MAX_VALUE. */
    public long nextDeadline(Vassal v) {
        return switch (v.state) {
            case THROTTLED, WAITING_FOR_BASE -> v.spawnAt;
            case ADOPTING -> Long.MAX_VALUE; // the session's own deadline is the loop's
            case RUNNING -> v.lastHeartbeat > 0
                    ? Math.max(v.lastHeartbeat, v.windowFrom) + settings.requiredHeartbeatMs() + 1 : Long.MAX_VALUE;
            // during Ragnarok only reload-mercy counts (the loop's deadline), as in uWSGI's royal_death
            case STOPPING, CURSED -> v.pid > 0 && v.stopReason != StopReason.RAGNAROK
                    ? Math.max(v.cursedAt, v.windowFrom) + settings.curseToleranceMs() : Long.MAX_VALUE;
            case EXILED, SUSPENDED, REFUSED, ON_DEMAND -> Long.MAX_VALUE;
        };
    }

    /** As {@link #reloadAll(Vassal, long, long)} with one clock for both (tests). */
    public void reloadAll(Vassal v, long now) {
        reloadAll(v, now, now);
    }

    /** SIGHUP ({@code emperor_massive_reload}): byte 1 to every running vassal, last_mod = now (wall). */
    public void reloadAll(Vassal v, long now, long wallNowMs) {
        if (v.state == VassalState.RUNNING) {
            reload(v, Math.max(wallNowMs * 1_000_000L, v.lastModNanos), now);
        } else if (v.state == VassalState.ON_DEMAND) {
            onDemand.updatedWhileAsleep(v, Math.max(wallNowMs * 1_000_000L, v.lastModNanos));
        }
    }

    /**
     * The Emperor itself was paused (stopped, frozen VM, swap storm): nobody read the vassal's pipe
     * meanwhile, so its heartbeat and curse tolerance start again from {@code now}.
     */
    public void freshWindow(Vassal v, long now) {
        v.windowFrom = Math.max(v.windowFrom, now);
    }

    /** SIGTERM/SIGINT: stop everything; the loop exits when nothing is left. */
    public void ragnarok(Vassal v, long now) {
        switch (v.state) {
            case RUNNING -> stop(v, StopReason.RAGNAROK, now);
            case STOPPING, CURSED, ADOPTING -> v.stopReason = StopReason.RAGNAROK;
            case THROTTLED, EXILED, WAITING_FOR_BASE, SUSPENDED, REFUSED, ON_DEMAND -> forget(v);
        }
    }

    void reload(Vassal v, long mtimeNanos, long now) {
        log.about(v, "reload").verbose("[emperor] reload the uwsgi instance " + v.name);
        v.lastModNanos = mtimeNanos;
        if (!fx.send(v, PipeByte.RELOAD)) {
            curseBrokenPipe(v, now);
            return;
        }
        v.respawns++;
        v.lastRun = now;
        v.ready = false;
        v.accepting = false;
        v.reloadPending = true;
    }

    void stop(Vassal v, StopReason reason, long now) {
        log.about(v, "stop").verbose("[emperor] stop the uwsgi instance " + v.name);
        v.stopReason = reason;
        v.state = VassalState.STOPPING;
        v.cursedAt = now;
        fx.send(v, settings.gracefulShutdown() ? PipeByte.GRACEFUL_STOP : PipeByte.STOP);
    }

    private void curseBrokenPipe(Vassal v, long now) {
        fx.closePipe(v);
        log.about(v, "cursed").verbose("[emperor] curse the uwsgi instance " + v.name + " (pid: " + v.pid + ")");
        v.state = VassalState.CURSED;
        v.cursedAt = now;
    }

    private void crashed(Vassal v, Reaped r, long now) {
        if (r.exited() && r.exitCode() == PipeByte.EXILE_CODE) {
            log.about(v.name, r.pid(), "exiled").warn("[emperor] vassal " + v.name + " exited with code 26 (exile): not respawning it until its config changes");
            v.state = VassalState.EXILED;
            fx.closeOnDemand(v); // nobody will serve it: clients are refused rather than left hanging
            return;
        }
        if (v.adopted && v.reloadPending && r.exited() && r.exitCode() == 0) {
            // adopted vassals reload by exiting (master's exit_on_reload): adopt it again, no penalty
            log.about(v.name, r.pid(), "reload").verbose("[emperor] adopted vassal " + v.name + " exited to reload, adopting it again");
            v.newRecord(now);
            trySpawn(v, now);
            return;
        }
        log.about(v.name, r.pid(), "died").warn("[emperor] vassal " + v.name + " died unexpectedly (" + describe(r) + ")" + (v.loyal ? "" : " before becoming loyal"));
        // uWSGI deletes the record and its next scan re-adds it: keep its log line, operators count it
        log.about(v, "removed").verbose("[emperor] removed uwsgi instance " + v.name);
        if (!v.loyal && !settings.noBlacklist()) {
            blacklist.add(v.name, now);
        }
        v.newRecord(now);
        start(v, now); // on-demand: back to waiting (socket kept), never an immediate respawn loop
    }

    void trySpawn(Vassal v, long now) {
        if (v.file.refusal() != null) {
            tyrantRows.refuse(v, now); // every way into a spawn passes here: a changed owner can never slip through a respawn
            return;
        }
        long until = blacklist.blockedUntil(v.name);
        if (now < until) {
            v.state = VassalState.THROTTLED;
            v.spawnAt = until;
            return;
        }
        if (!fx.spawnSlot(v)) {
            v.state = VassalState.THROTTLED; // due at once: a later loop iteration takes it, after the reaps
            v.spawnAt = now;
            return;
        }
        if (settings.tyrant()) {
            log.about(v, "spawn").plain("[emperor-tyrant] dropping privileges to " + v.file.uid() + " " + v.file.gid() + " for instance " + v.name);
        }
        Effects.SpawnOutcome o = fx.spawn(v);
        switch (o.kind()) {
            case STARTED -> {
                v.pid = o.pid();
                v.pipeFd = o.pipeFd();
                v.configFd = o.configFd();
                v.state = VassalState.RUNNING;
                v.stopReason = StopReason.NONE;
                v.cursedAt = 0;
                v.adopted = false;
                v.starts++;
                v.waitLogged = false;
                return;
            }
            case ADOPTING -> {
                v.pid = -1;
                v.pipeFd = o.pipeFd();
                v.configFd = o.configFd();
                v.state = VassalState.ADOPTING;
                v.stopReason = StopReason.NONE;
                v.cursedAt = 0;
                v.adopted = true;
                v.waitLogged = false;
                return;
            }
            case WAIT_FOR_BASE -> {
                if (!v.waitLogged) {
                    log.about(v, "waiting-for-base").plain("[emperor] vassal " + v.name + " waits for the fork server on " + o.error() + " (base vassal not listening yet)");
                    v.waitLogged = true;
                }
                v.state = VassalState.WAITING_FOR_BASE;
                v.spawnAt = now + settings.baseRetryMs();
                return;
            }
            case DEFERRED -> {
                // the Emperor lacked fds, memory or processes (docs/reliability.md): no penalty for the
                // vassal and no line of its own (ResourceTrouble logs one per condition); retried soon
                v.state = VassalState.THROTTLED;
                v.spawnAt = o.retryAt();
                return;
            }
            case FAILED -> { }
        }
        if (o.exile()) {
            log.about(v, "spawn-failed").error("[emperor] cannot start vassal " + v.name + ": " + o.error());
            fx.closeOnDemand(v); // as for exit 26: nobody will serve it, clients are refused rather than left hanging
            v.state = VassalState.EXILED;
            return;
        }
        log.about(v, "spawn-failed").error("[emperor] cannot start vassal " + v.name + ": " + o.error());
        if (!settings.noBlacklist()) {
            blacklist.add(v.name, now);
        }
        v.state = VassalState.THROTTLED;
        v.spawnAt = Math.max(blacklist.blockedUntil(v.name), now + 1000); // never retry in a tight loop
    }

    private void forget(Vassal v) {
        if (v.state == VassalState.REFUSED) {
            blacklist.unrefuse(v.name);
        }
        fx.closePipe(v);
        fx.closeOnDemand(v);
        fx.forget(v);
        log.about(v, "removed").verbose("[emperor] removed uwsgi instance " + v.name);
    }

    static String describe(Reaped r) {
        return r.exited() ? "exit code " + r.exitCode() : "killed by signal " + r.signal();
    }
}
