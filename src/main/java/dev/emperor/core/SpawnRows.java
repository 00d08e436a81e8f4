package dev.emperor.core;

import dev.emperor.internal.Reaped;
import dev.emperor.protocol.PipeByte;

/**
 * The rows that follow a spawn attempt or a death (docs/lifecycle.md, "Spawn outcomes", "Stop
 * reasons" and the "crash" of "The table"): what a spawn that gave no process means, and what a
 * death means. They log and decide; {@link Lifecycle} carries the decision out. Loop thread only.
 */
final class SpawnRows {
    private final Effects fx;
    private final Blacklist blacklist;
    private final EmperorLog log;
    private final Lifecycle.Settings settings;

    SpawnRows(Effects fx, Blacklist blacklist, EmperorLog log, Lifecycle.Settings settings) {
        this.fx = fx;
        this.blacklist = blacklist;
        this.log = log;
        this.settings = settings;
    }

    /** A spawn that gave no process now: WAIT_FOR_BASE, DEFERRED or FAILED. */
    Next noProcess(Vassal v, Effects.SpawnOutcome o, long now) {
        switch (o.kind()) {
            case WAIT_FOR_BASE -> {
                if (!v.waitLogged) {
                    log.about(v, "waiting-for-base").plain("[emperor] vassal " + v.name + " waits for the fork server on " + o.error() + " (base vassal not listening yet)");
                    v.waitLogged = true;
                }
                return Next.waitForBase(now + settings.baseRetryMs());
            }
            case DEFERRED -> {
                // the Emperor lacked fds, memory or processes (docs/reliability.md): no penalty for the
                // vassal and no line of its own (ResourceTrouble logs one per condition); retried soon
                return Next.throttle(o.retryAt());
            }
            default -> {
                log.about(v, "spawn-failed").error("[emperor] cannot start vassal " + v.name + ": " + o.error());
                if (o.exile()) {
                    fx.closeOnDemand(v); // as for exit 26: nobody will serve it, clients are refused rather than left hanging
                    return Next.EXILE;
                }
                return Next.fail(1000); // never retry in a tight loop
            }
        }
    }

    /** What the reap of a RUNNING, STOPPING or CURSED vassal means, by the reason it was stopped for (docs/lifecycle.md, "Stop reasons"). */
    Next afterDeath(Vassal v, Reaped r, long now) {
        StopReason why = v.stopReason;
        if (why.forgetsRecord()) {
            return Next.FORGET;
        }
        if (why == StopReason.ON_DEMAND) {
            // uWSGI status 2: the vassal asked for it; a file that turned refused meanwhile gets no socket
            return v.file.refusal() != null ? Next.REFUSE : Next.SLEEP_AGAIN;
        }
        if (why == StopReason.OPERATOR) {
            log.about(v, "suspended").plain("[emperor] vassal " + v.name + " stopped by the operator, waiting for a start command");
            return Next.SUSPEND;
        }
        return crashed(v, r, now);
    }

    /** A death nobody asked for ("crash" in the table): exile, an adopted vassal's reload, or a respawn. */
    Next crashed(Vassal v, Reaped r, long now) {
        if (r.exited() && r.exitCode() == PipeByte.EXILE_CODE && v.zergOf != null) {
            return Next.FORGET; // uWSGI's emperor_del: a zerg has no config of its own to come back with
        }
        if (r.exited() && r.exitCode() == PipeByte.EXILE_CODE) {
            log.about(v.name, r.pid(), "exiled").warn("[emperor] vassal " + v.name + " exited with code 26 (exile): not respawning it until its config changes");
            fx.closeOnDemand(v); // nobody will serve it: clients are refused rather than left hanging
            return Next.EXILE;
        }
        if (v.adopted && v.reloadPending && r.exited() && r.exitCode() == 0) {
            // adopted vassals reload by exiting (master's exit_on_reload): adopt it again, no penalty
            log.about(v.name, r.pid(), "reload").verbose("[emperor] adopted vassal " + v.name + " exited to reload, adopting it again");
            return Next.FRESH_SPAWN;
        }
        log.about(v.name, r.pid(), "died").warn("[emperor] vassal " + v.name + " died unexpectedly (" + describe(r) + ")" + (v.loyal ? "" : " before becoming loyal"));
        // uWSGI deletes the record and its next scan re-adds it: keep its log line, operators count it
        log.about(v, "removed").verbose("[emperor] removed uwsgi instance " + v.name);
        if (!v.loyal && !settings.noBlacklist()) {
            blacklist.add(v.name, now);
        }
        return Next.FRESH_START; // on-demand: back to waiting (socket kept), never an immediate respawn loop
    }

    static String describe(Reaped r) {
        return r.exited() ? "exit code " + r.exitCode() : "killed by signal " + r.signal();
    }
}
