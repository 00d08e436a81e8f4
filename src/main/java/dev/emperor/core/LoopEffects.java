package dev.emperor.core;

import dev.emperor.internal.Errno;
import dev.emperor.spawn.ConfigPipe;
import dev.emperor.internal.Native;
import dev.emperor.protocol.PipeByte;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The loop's side of {@link Effects}: what the lifecycle table asks for, done with the native facade
 * and recorded in the loop's bookkeeping (the fd registry, pids, sessions, spawn slots, counters).
 * Releasing never throws: the record is updated first, a failing epoll_ctl or close is only logged.
 * Loop thread only.
 */
final class LoopEffects implements Effects {
    private final Native nat;
    private final FdHandlers fds;
    private final EmperorLoop.VassalStarter starter;
    private final EmperorLog log;
    private final LoopClock clocks;
    private final ResourceTrouble trouble;
    private final BooleanSupplier scanUsesReserve;
    private final SpawnQueue spawnQueue;
    private final Map<String, Vassal> table;
    private final Map<Integer, Vassal> byPid;
    private final int onDemandBacklog;
    private final Adoptions adoptions;
    private final LoopHooks hooks;
    private final HookAnswers answers;

    /** Where the outcome of an on-demand hook goes: back onto the loop (EmperorLoop). Any thread. */
    interface HookAnswers {
        void done(Vassal v, long sleep, boolean configChanged, boolean ok);
    }

    // LoopStats: starts of forgotten records are kept here; the live ones are summed at publish
    long retiredSpawns;
    long retiredRespawns;
    long reloads;
    long kills;
    /** In-place upgrades so far (handed over, docs/upgrade.md). */
    long upgrades;

    LoopEffects(LoopParts parts, LoopSettings settings, FdHandlers fds, ResourceTrouble trouble, SpawnQueue spawnQueue,
                Adoptions adoptions, Map<String, Vassal> table, Map<Integer, Vassal> byPid, HookAnswers answers) {
        this.nat = parts.nat();
        this.fds = fds;
        this.starter = parts.starter();
        this.log = parts.log();
        this.clocks = parts.clocks();
        this.trouble = trouble;
        this.scanUsesReserve = parts.scanUsesReserve();
        this.spawnQueue = spawnQueue;
        this.table = table;
        this.byPid = byPid;
        this.onDemandBacklog = settings.onDemandBacklog();
        this.adoptions = adoptions;
        this.hooks = parts.hooks();
        this.answers = answers;
    }

    @Override
    public boolean onDemandHook(Vassal v, boolean configChanged) {
        long sleep = v.sleeps;
        return hooks.onDemandHook(v.name, v.file.cwd(), configChanged, ok -> answers.done(v, sleep, configChanged, ok));
    }

    @Override
    public boolean spawnSlot(Vassal v) {
        return spawnQueue.take(v);
    }

    /**
     * A spawn that cannot get its socketpair, file actions or posix_spawn is a failed spawn, never a
     * crash: for want of fds, memory or processes it is DEFERRED (no penalty, retried soon, one log
     * line per condition); for anything else it FAILED (blacklist and throttle, as uWSGI's failed
     * fork). See docs/reliability.md.
     */
    @Override
    public SpawnOutcome spawn(Vassal v) {
        long now = clocks.monotonicMs();
        if (trouble.defers(now)) {
            trouble.waits(v.name);
            return SpawnOutcome.deferred("waiting for resources", trouble.retryAt());
        }
        if (trouble.troubled() && scanUsesReserve.getAsBoolean()) {
            trouble.waits(v.name); // the fds a scan needs to look are not a spawn's to take
            return SpawnOutcome.deferred("waiting for the scan", now + 100);
        }
        EmperorLoop.Start start;
        try {
            start = starter.start(v.file, v.listenFd);
        } catch (RuntimeException | Error e) {
            if (e instanceof InternalError || e instanceof UnknownError) {
                throw e;
            }
            log.debug("[emperor] spawn of " + v.name + " threw " + e);
            start = EmperorLoop.Start.of(SpawnOutcome.failed(e.toString(), false, Errno.of(e)));
        }
        SpawnOutcome o = start.outcome();
        if (o.kind() == SpawnOutcome.Kind.FAILED) {
            return lacking(v, o, now);
        }
        if (o.ok() || o.kind() == SpawnOutcome.Kind.ADOPTING) {
            try {
                fds.add(o.pipeFd(), FdHandlers.Kind.VASSAL_PIPE, v);
            } catch (RuntimeException e) {
                // a child we could not listen to would go unsupervised: end it; its exit is reaped as unknown
                if (o.ok()) {
                    nat.kill(o.pid(), Native.SIGKILL);
                }
                nat.close(o.pipeFd());
                if (o.configFd() >= 0) {
                    nat.close(o.configFd());
                }
                if (start.session() != null) {
                    start.session().close();
                }
                return lacking(v, SpawnOutcome.failed("epoll_ctl for the vassal pipe: " + e, false, Errno.of(e)), now);
            }
        }
        if (o.ok()) {
            byPid.put(o.pid(), v);
            log.about(v.name, o.pid(), "started").debug("[emperor] started vassal " + v.name + " (pid: " + o.pid() + ")");
        }
        if (start.session() != null) {
            adoptions.begin(v, start.session());
        }
        if (o.ok() || o.kind() == SpawnOutcome.Kind.ADOPTING) {
            trouble.started(v.name);
        }
        return o;
    }

    /** A failed spawn: DEFERRED when the errno says a shared resource was short, else as it is. */
    private SpawnOutcome lacking(Vassal v, SpawnOutcome failed, long now) {
        Errno.Resource r = Errno.resource(failed.errno());
        if (r == null) {
            trouble.forget(v.name); // no longer waiting for resources: its own failure (blacklist) takes over
            return failed;
        }
        trouble.failed(r, v.name, "spawn of " + v.name + ": " + failed.error(), now);
        log.debug("[emperor] spawn of " + v.name + " deferred: " + failed.error());
        return SpawnOutcome.deferred(failed.error(), trouble.retryAt());
    }

    @Override
    public boolean send(Vassal v, int b) {
        if (v.pipeFd < 0) {
            return false;
        }
        boolean written;
        try {
            written = nat.write(v.pipeFd, new byte[] {(byte) b}, 0, 1) == 1;
        } catch (RuntimeException e) {
            log.warn("[emperor] write to the pipe of vassal " + v.name + " failed: " + e + " (handled as a broken pipe)");
            written = false;
        }
        if (written && b == PipeByte.RELOAD) {
            reloads++;
        }
        return written;
    }

    @Override
    public boolean kill(Vassal v, int signal) {
        boolean sent = v.pid > 0 && nat.kill(v.pid, signal) == 0;
        if (sent && signal == Native.SIGKILL) {
            kills++;
        }
        return sent;
    }

    @Override
    public void killGroup(Vassal v, int signal) {
        if (v.pid > 1) {
            nat.killGroup(v.pid, signal);
        }
    }

    @Override
    public void closePipe(Vassal v) {
        int fd = v.pipeFd;
        if (fd >= 0) {
            v.pipeFd = -1;
            quietly("epoll_ctl(DEL) of the pipe of " + v.name, () -> fds.remove(fd));
            quietly("close of the pipe of " + v.name, () -> nat.close(fd));
        }
        int config = v.configFd;
        if (config >= 0) {
            v.configFd = -1; // not in epoll: nothing is read from it
            quietly("close of the config pipe of " + v.name, () -> nat.close(config));
        }
    }

    @Override
    public void pushConfig(Vassal v) {
        if (v.configFd < 0 || v.file.config() == null) {
            return; // a file-shaped vassal has no config pipe: byte 2 means nothing (as uWSGI)
        }
        String failed = ConfigPipe.push(nat, v.configFd, v.file.config());
        if (failed != null) {
            log.about(v, "config-push").error("[uwsgi-emperor] " + v.name + ": pushing its config: " + failed);
        }
    }

    private void quietly(String what, Runnable release) {
        try {
            release.run();
        } catch (RuntimeException e) {
            log.warn("[emperor] " + what + " failed: " + e);
        }
    }

    @Override
    public String bindOnDemand(Vassal v) {
        int fd = OnDemandSockets.bind(nat, v.socketName, v.file.cwd(), onDemandBacklog);
        if (fd == -Native.ENAMETOOLONG && v.socketName.indexOf(':') < 0) {
            return nat.strerror(-fd) + " (a UNIX socket path holds at most 107 bytes; uWSGI would silently cut it to 102)";
        }
        if (fd < 0) {
            return nat.strerror(-fd);
        }
        v.listenFd = fd;
        v.listenFileKey = OnDemandSockets.fileKey(v.socketName, v.file.cwd());
        return null;
    }

    @Override
    public void watchOnDemand(Vassal v, boolean on) {
        if (v.listenFd < 0 || v.listenWatched == on) {
            return;
        }
        int fd = v.listenFd;
        if (on) {
            fds.add(fd, FdHandlers.Kind.ON_DEMAND_SOCKET, v);
            v.listenWatched = true;
        } else {
            v.listenWatched = false;
            quietly("epoll_ctl(DEL) of the on-demand socket of " + v.name, () -> fds.remove(fd));
        }
    }

    @Override
    public void closeOnDemand(Vassal v) {
        if (v.listenFd < 0) {
            return;
        }
        watchOnDemand(v, false);
        int fd = v.listenFd;
        v.listenFd = -1;
        quietly("close of the on-demand socket of " + v.name, () -> nat.close(fd));
        OnDemandSockets.unlinkIfOurs(v.socketName, v.file.cwd(), v.listenFileKey, log);
        v.listenFileKey = null;
    }

    @Override
    public void add(Vassal v) {
        table.putIfAbsent(v.name, v);
    }

    @Override
    public boolean holds(String name) {
        return table.containsKey(name);
    }

    @Override
    public int zergs() {
        return (int) table.values().stream().filter(v -> v.zergOf != null).count();
    }

    @Override
    public void forget(Vassal v) {
        trouble.forget(v.name);
        adoptions.end(v);
        spawnQueue.drop(v);
        v.parentCheckUntil = 0;
        if (table.remove(v.name, v)) {
            retiredSpawns += v.starts;
            retiredRespawns += Math.max(0, v.starts - 1);
        }
        if (v.pid > 0) {
            byPid.remove(v.pid, v);
        }
    }
}
