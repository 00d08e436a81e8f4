package dev.emperor.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The loop's side of the in-place upgrade (docs/upgrade.md): its state taken as a {@link LoopImage}
 * in the old process, and the records, fd registrations and counters rebuilt from one in the new
 * process before the loop runs. Children that exited meanwhile are zombies the loop's first reap
 * finds (byPid knows them); pipe bytes sent meanwhile wait in the pipes, now in the poller. Loop
 * thread only.
 */
final class Resumption {
    private final Map<String, Vassal> table;
    private final Map<Integer, Vassal> byPid;
    private final FdHandlers fds;
    private final Blacklist blacklist;
    private final LoopEffects effects;
    private final ResourceTrouble trouble;
    private final LoopClock clocks;
    private final EmperorLog log;
    /**
     * Pids of processes handed over by the previous process: their parent thread is now this JVM's
     * primordial thread, not the loop thread (docs/platform-notes.md, "Replacing the JVM in place").
     */
    private final java.util.Set<Integer> inheritedPids = new java.util.HashSet<>();

    private final dev.emperor.internal.Native nat;
    private final Lifecycle lifecycle;

    Resumption(Map<String, Vassal> table, Map<Integer, Vassal> byPid, FdHandlers fds, Blacklist blacklist,
               LoopEffects effects, ResourceTrouble trouble, LoopClock clocks, EmperorLog log,
               dev.emperor.internal.Native nat, Lifecycle lifecycle) {
        this.nat = nat;
        this.lifecycle = lifecycle;
        this.table = table;
        this.byPid = byPid;
        this.fds = fds;
        this.blacklist = blacklist;
        this.effects = effects;
        this.trouble = trouble;
        this.clocks = clocks;
        this.log = log;
    }

    private RecordImages.Instants instants() {
        return new RecordImages.Instants(clocks.monotonicMs(), clocks.monotonicNanos());
    }

    LoopImage capture() {
        RecordImages.Instants t = instants();
        List<LoopImage.VassalImage> vassals = new ArrayList<>(table.size());
        for (Vassal v : table.values()) {
            LoopImage.VassalImage i = RecordImages.image(v, t);
            if (v.pid > 0 && inheritedPids.contains(v.pid)) {
                Map<String, Boolean> flags = new java.util.HashMap<>(i.flags());
                flags.put(LoopImage.EARLIER_GENERATION, true);
                i = new LoopImage.VassalImage(i.name(), i.monitor(), i.state(), i.fds(), i.numbers(), flags, i.texts());
            }
            vassals.add(i);
        }
        return new LoopImage(vassals, blacklist.images(t::toNanos), RecordImages.counters(effects, trouble.counts()));
    }

    /** Rebuilds every record of {@code image}; a record that cannot be rebuilt is logged and skipped. */
    int resume(LoopImage image) {
        RecordImages.Instants t = instants();
        long now = t.nowMs();
        int resumed = 0;
        for (LoopImage.VassalImage i : image.vassals()) {
            try {
                Vassal v = RecordImages.record(i, t);
                settleSession(v, now);
                register(v);
                resumed++;
            } catch (RuntimeException e) {
                log.error("[emperor] in-place upgrade: cannot resume the record of vassal " + i.name() + ": " + e);
            }
        }
        for (LoopImage.BlacklistImage b : image.blacklist()) {
            blacklist.restore(b, t::toMs);
        }
        Map<String, Long> c = image.counters();
        effects.retiredSpawns += c.getOrDefault("retired_spawns", 0L);
        effects.retiredRespawns += c.getOrDefault("retired_respawns", 0L);
        effects.reloads += c.getOrDefault("reloads", 0L);
        effects.kills += c.getOrDefault("kills", 0L);
        effects.upgrades = c.getOrDefault("upgrades", 0L);
        Map<String, Long> errors = new java.util.HashMap<>();
        c.forEach((k, n) -> {
            if (k.startsWith("resource_errors.")) {
                errors.put(k.substring("resource_errors.".length()), n);
            }
        });
        trouble.carryOver(errors);
        settleVanished(now);
        return resumed;
    }

    /**
     * A vassal that died during the exec is a zombie the loop reaps, unless the launcher's shell reaped it
     * first (a shell's wait takes any child of the process, and between the two JVMs this process is
     * that shell): then its pid is simply gone and no exit will ever come. Such a vassal is handled as
     * killed, so that it is respawned like any crashed one.
     */
    private void settleVanished(long now) {
        for (Vassal v : new ArrayList<>(table.values())) {
            if (v.pid > 0 && nat.kill(v.pid, 0) == -dev.emperor.internal.Native.ESRCH) {
                log.warn("[emperor] in-place upgrade: vassal " + v.name + " (pid: " + v.pid + ") ended during the exec and"
                        + " was reaped before this Emperor could; its exit status is unknown");
                byPid.remove(v.pid, v);
                lifecycle.reaped(v, new dev.emperor.internal.Reaped(v.pid, dev.emperor.internal.Native.SIGKILL), now);
            }
        }
    }

    /** A vassal known only by name, pid and pipe (the state document could not be read). */
    void resumeBlind(String name, int pid, int pipeFd) {
        if (table.containsKey(name) || pid <= 0) {
            return;
        }
        register(RecordImages.blind(name, pid, pipeFd, clocks.monotonicMs()));
    }

    /**
     * A fork-server session does not cross the exec: a vassal whose pid was known runs on; one still
     * waiting for its pid (or for its base) starts over.
     */
    private void settleSession(Vassal v, long now) {
        if (v.state != VassalState.ADOPTING && v.state != VassalState.WAITING_FOR_BASE) {
            return;
        }
        if (v.pid > 0) {
            Transitions.resumed(v, VassalState.RUNNING, v.spawnAt);
            return;
        }
        log.warn("[emperor] in-place upgrade: the fork-server adoption of " + v.name + " was cut short; starting it again");
        Transitions.resumed(v, VassalState.THROTTLED, now);
        effects.closePipe(v);
    }

    private void register(Vassal v) {
        table.put(v.name, v);
        if (v.pid > 0) {
            byPid.put(v.pid, v);
            if (!v.adopted) {
                inheritedPids.add(v.pid);
            }
        }
        if (v.pipeFd >= 0) {
            fds.add(v.pipeFd, FdHandlers.Kind.VASSAL_PIPE, v);
        }
        if (v.listenFd >= 0) {
            v.listenFileKey = v.socketName == null ? null : OnDemandSockets.fileKey(v.socketName, v.file.cwd());
            if (!v.listenWatched && v.state == VassalState.ON_DEMAND) {
                // asleep, its socket unwatched: an on-demand hook of the old process was running at the exec
                // and its result went with it (docs/hooks.md); the vassal wakes on its next client again
                log.warn("[emperor] " + v.name + ": an on-demand hook was running at the in-place upgrade; its result"
                        + " is lost, the socket is watched again");
                v.listenWatched = true;
            }
            if (v.listenWatched) {
                fds.add(v.listenFd, FdHandlers.Kind.ON_DEMAND_SOCKET, v);
            }
        }
    }
}
