package dev.emperor.core;

import dev.emperor.protocol.PipeByte;

/**
 * The verbs the cells of the table are written in (docs/lifecycle.md, "The table": "start", "fresh
 * record", "reload", "refuse" ...), and {@link #carryOut}, through which every row's decision
 * ({@link Next}) reaches the record. Part of the table's code: {@link Lifecycle} holds the rows,
 * this class what they do, {@link Transitions} the writes. Loop thread only.
 */
final class TableVerbs {
    private final Effects fx;
    private final Blacklist blacklist;
    private final EmperorLog log;
    private final Lifecycle.Settings settings;
    private final Transitions to;
    private final OnDemandRows onDemand;
    private final TyrantRows tyrant;
    private final SpawnRows spawns;

    TableVerbs(Effects fx, Blacklist blacklist, EmperorLog log, Lifecycle.Settings settings, Transitions to,
               OnDemandRows onDemand, TyrantRows tyrant, SpawnRows spawns) {
        this.fx = fx;
        this.blacklist = blacklist;
        this.log = log;
        this.settings = settings;
        this.to = to;
        this.onDemand = onDemand;
        this.tyrant = tyrant;
        this.spawns = spawns;
    }

    /** Carries out a row's decision; the one switch through which the rows' decisions reach the record. */
    void carryOut(Vassal v, Next next, long now, long wallNowMs) {
        switch (next.kind()) {
            case STAY -> { }
            case START -> start(v, now);
            case FRESH_START -> {
                v.newRecord(now);
                start(v, now);
            }
            case FRESH_SPAWN -> {
                v.newRecord(now);
                trySpawn(v, now);
            }
            case THROTTLE -> to.throttle(v, next.at());
            case FAIL -> to.fail(v, now, next.at());
            case WAIT_FOR_BASE -> to.waitForBase(v, next.at());
            case SLEEP -> {
                to.asleep(v);
                onDemand.asleep(v, false);
            }
            case SLEEP_AGAIN -> sleep(v, now, true);
            case REFUSE -> refuse(v, now);
            case EXILE -> to.enter(v, VassalState.EXILED);
            case STOP -> to.stop(v, next.reason(), now);
            case RELOAD -> reload(v, Math.max(wallNowMs * 1_000_000L, v.lastModNanos), now);
            case PARK -> {
                fx.closeOnDemand(v); // clients are refused, not left hanging in the backlog; a start binds it again
                to.enter(v, VassalState.SUSPENDED);
            }
            case SUSPEND -> to.enter(v, VassalState.SUSPENDED);
            case RETRY_NOW -> {
                to.throttle(v, now);
                start(v, now); // what tick does for a THROTTLED vassal whose window is over
            }
            case FORGET -> to.forget(v);
        }
    }

    /** "start": asleep on its socket when on-demand, else spawned; a refused file gets neither. */
    void start(Vassal v, long now) {
        if (v.file.refusal() != null) {
            refuse(v, now); // before binding: a refused file gets no socket either (trySpawn checks the same)
        } else if (v.socketName != null) {
            sleep(v, now, false);
        } else {
            trySpawn(v, now);
        }
    }

    void sleep(Vassal v, long now, boolean back) {
        Next next = onDemand.sleep(v, now, back);
        if (next.kind() == Next.Kind.SLEEP) {
            to.asleep(v);
            onDemand.asleep(v, back);
        } else {
            carryOut(v, next, now, now);
        }
    }

    void refuse(Vassal v, long now) {
        tyrant.refusing(v, now);
        to.refused(v);
    }

    void reload(Vassal v, long mtimeNanos, long now) {
        log.about(v, "reload").verbose("[emperor] reload the uwsgi instance " + v.name);
        v.lastModNanos = mtimeNanos;
        if (!fx.send(v, PipeByte.RELOAD)) {
            fx.closePipe(v);
            to.curse(v, now, true);
            return;
        }
        v.respawns++;
        v.lastRun = now;
        v.ready = false;
        v.accepting = false;
        v.reloadPending = true;
    }

    void trySpawn(Vassal v, long now) {
        if (v.file.refusal() != null) {
            refuse(v, now); // every way into a spawn passes here: a changed owner can never slip through a respawn
            return;
        }
        long until = blacklist.blockedUntil(v.name);
        if (now < until) {
            to.throttle(v, until);
            return;
        }
        if (!fx.spawnSlot(v)) {
            to.throttle(v, now); // due at once: a later loop iteration takes it, after the reaps
            return;
        }
        if (settings.tyrant()) {
            log.about(v, "spawn").plain("[emperor-tyrant] dropping privileges to " + v.file.uid() + " " + v.file.gid() + " for instance " + v.name);
        }
        Effects.SpawnOutcome o = fx.spawn(v);
        switch (o.kind()) {
            case STARTED -> to.running(v, o);
            case ADOPTING -> to.adopting(v, o);
            case WAIT_FOR_BASE, DEFERRED, FAILED -> carryOut(v, spawns.noProcess(v, o, now), now, now);
        }
    }
}
