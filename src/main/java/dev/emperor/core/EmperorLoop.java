package dev.emperor.core;

import dev.emperor.internal.Errno;
import dev.emperor.internal.Native;
import dev.emperor.internal.Reaped;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalSource;
import dev.emperor.spawn.ConfigPipe;
import dev.emperor.spawn.ForkServerSession;
import dev.emperor.spawn.HelperChildren;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The one thread that owns the vassal table, the blacklist and every timer. Other threads only
 * {@link #execute} small tasks (scan results, signals); readiness of vassal pipes comes from
 * epoll, children are reaped with waitpid(-1) on every iteration. Nothing here blocks except the
 * epoll wait, whose timeout is the nearest lifecycle deadline. Deadlines are on the monotonic clock
 * and judged only after the news already waiting (pipe bytes, reaps) has been taken in; a pause of the
 * whole Emperor gives every vassal a fresh window; spawns per iteration are bounded
 * (docs/reliability-time.md).
 */
public final class EmperorLoop implements Effects {
    private final Native nat;
    private final Native.Poller poller;
    private final VassalStarter starter;
    private final EmperorLog log;
    private final LoopClock clocks;
    private final Blacklist blacklist;
    private final Lifecycle lifecycle;
    private final SnapshotFactory snapshots;
    private final long reloadMercyMs;
    private final Runnable rescan;

    private final Map<String, Vassal> table = new LinkedHashMap<>();
    private final Map<Integer, Vassal> byFd = new HashMap<>();
    private final Map<Integer, Vassal> byPid = new HashMap<>();
    /** Listening sockets of sleeping on-demand vassals, while watched. */
    private final Map<Integer, Vassal> byListenFd = new HashMap<>();
    private volatile int onDemandBacklog = 100;
    private volatile HelperChildren helpers;
    private final Adoptions adoptions;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicReference<EmperorSnapshot> published = new AtomicReference<>();
    private final ScanDiff scanDiff;
    private final Control control;
    private final LoopGuard guard;
    private final ResourceTrouble trouble;
    private final byte[] readBuf = new byte[256];
    private final PauseDetector pauses = new PauseDetector();
    private final SpawnQueue spawnQueue = new SpawnQueue(SpawnQueue.PER_ITERATION);
    /** Bytes taken from one pipe per readiness: a vassal flooding its pipe cannot hold the loop. */
    private static final int MAX_PIPE_BYTES = 64 * 1024;
    /** Zero-timeout polls before judging deadlines (each returns up to the poller's batch of fds). */
    private static final int MAX_DRAIN_ROUNDS = 64;

    // LoopStats: starts of forgotten records are kept here; the live ones are summed at publish
    private long retiredSpawns;
    private long retiredRespawns;
    private long reloads;
    private long kills;
    private long lastIterationNanos;

    private long ragnarokDeadline = Long.MAX_VALUE;
    private long buryDeadline = Long.MAX_VALUE;
    private volatile boolean stopped;
    private volatile LoopHooks hooks = LoopHooks.NONE;

    /** Starts one vassal; the loop registers what it returns. */
    @FunctionalInterface
    public interface VassalStarter {
        /**
         * @param onDemandFd the listening socket of an on-demand vassal (fd 0 of the child, or the last
         *                   SCM_RIGHTS fd of a fork-server session), -1 for a normal vassal
         */
        Start start(VassalSource source, int onDemandFd);
    }

    /** A spawn's outcome, plus the fork-server session when the vassal is being adopted. */
    public record Start(Effects.SpawnOutcome outcome, ForkServerSession session) {
        public static Start of(Effects.SpawnOutcome outcome) {
            return new Start(outcome, null);
        }
    }

    /** With one clock serving as both monotonic and wall clock (tests whose fake time never jumps). */
    public EmperorLoop(Native nat, VassalStarter starter, EmperorLog log, LongSupplier clock,
                       Blacklist blacklist, Lifecycle.Settings settings, SnapshotFactory snapshots,
                       long reloadMercyMs, Runnable rescan, long parentCheckMs) {
        this(nat, starter, log, LoopClock.single(clock), blacklist, settings, snapshots, reloadMercyMs, rescan, parentCheckMs);
    }

    public EmperorLoop(Native nat, VassalStarter starter, EmperorLog log, LoopClock clocks,
                       Blacklist blacklist, Lifecycle.Settings settings, SnapshotFactory snapshots,
                       long reloadMercyMs, Runnable rescan, long parentCheckMs) {
        this.nat = nat;
        this.poller = nat.newPoller();
        this.starter = starter;
        this.log = log;
        this.clocks = clocks;
        this.blacklist = blacklist;
        this.lifecycle = new Lifecycle(this, blacklist, log, settings);
        this.snapshots = snapshots;
        this.reloadMercyMs = reloadMercyMs;
        this.rescan = rescan;
        this.guard = new LoopGuard(log);
        this.trouble = new ResourceTrouble(nat, log);
        this.scanDiff = new ScanDiff(lifecycle, log, name -> suspendsNew.test(name), guard, trouble);
        this.control = new Control(lifecycle, blacklist, log);
        this.adoptions = new Adoptions(nat, poller, lifecycle, byPid, parentCheckMs);
        this.helpers = new HelperChildren(nat);
        publish();
    }

    /** Readiness/watchdog hooks (docs/operations.md, "sd_notify"); set before {@link #run}. */
    public void hooks(LoopHooks hooks) {
        this.hooks = hooks;
    }

    /** The {@code listen} backlog of on-demand sockets (default 100); set before {@link #run}. */
    public void onDemandBacklog(int backlog) {
        this.onDemandBacklog = backlog;
    }

    /**
     * Helper processes started by other threads (emperor-on-demand-exec) whose exits this loop's
     * waitpid(-1) must hand over rather than take; set before {@link #run}.
     */
    public void helperChildren(HelperChildren children) {
        this.helpers = children;
    }

    private volatile java.util.function.Predicate<String> suspendsNew = name -> false;
    private volatile java.util.function.BooleanSupplier scanUsesReserve = () -> false;

    /**
     * Whether the scanner is looking with its reserve fds right now: while the Emperor is out of fds,
     * spawns wait for that scan to end (docs/reliability.md); set before {@link #run}.
     */
    public void scanUsesReserve(java.util.function.BooleanSupplier usingReserve) {
        this.scanUsesReserve = usingReserve;
    }

    /** Which new vassals wait for a spawn command ({@code emperor-wait-for-command}); set before {@link #run}. */
    public void suspendNewVassals(java.util.function.Predicate<String> which) {
        this.suspendsNew = which;
    }

    /**
     * Thread-safe: runs an operator command on the loop and completes with its result and the
     * vassal's state afterwards.
     */
    public java.util.concurrent.CompletableFuture<Control.Result> control(String name, Control.Action action) {
        java.util.concurrent.CompletableFuture<Control.Result> result = new java.util.concurrent.CompletableFuture<>();
        execute(() -> {
            Vassal v = table.get(name);
            if (v == null) {
                result.complete(new Control.Result(false, true, "no vassal named " + name, null));
                return;
            }
            String[] refused = {null};
            long at = clocks.monotonicMs();
            if (!guard.run("operator command " + action, v, at,
                    () -> refused[0] = control.apply(action, v, at, clocks.wallMs()))) {
                refused[0] = "internal error, see the Emperor's log";
            }
            String refusal = refused[0];
            Vassal after = table.get(name);
            result.complete(new Control.Result(refusal == null, false, refusal == null ? "ok" : refusal,
                    after == null ? null : after.view(blacklist.throttleMs(name), clocks.wallView())));
        });
        return result;
    }

    /** The command socket's {@code log} command. */
    public void logMessage(String msg) {
        execute(() -> log.plain(msg));
    }

    /** Thread-safe: run {@code task} on the loop thread soon. */
    public void execute(Runnable task) {
        inbox.add(task);
        poller.wakeup();
    }

    public EmperorSnapshot snapshot() {
        return published.get();
    }

    /**
     * Thread-safe: counts one failed call for want of {@code r} made outside the loop (the stats
     * server's accept), for {@code emperor_resource_errors_total}.
     */
    public void countResourceError(dev.emperor.internal.Errno.Resource r) {
        trouble.count(r);
    }

    /** Runs until Ragnarok completes; returns the exit status. */
    public int run() {
        while (!stopped) {
            long start = clocks.monotonicMs();
            long deadline;
            try {
                deadline = nextDeadline();
            } catch (RuntimeException e) {
                guard.failed("computing the next deadline", null, start, e);
                deadline = start + LoopGuard.RETRY_MS;
            }
            // a task whose wake-up a drain poll consumed must not wait for the next deadline
            long timeout = !inbox.isEmpty() ? 0 : deadline == Long.MAX_VALUE ? -1 : Math.max(0, deadline - start);
            long hooksDue = hooks.millisUntilDue();
            if (hooksDue >= 0 && (timeout < 0 || hooksDue < timeout)) {
                timeout = hooksDue; // the watchdog ping is one of the loop's own deadlines
            }
            List<Integer> ready = List.of();
            try {
                ready = poller.await(timeout);
            } catch (RuntimeException e) {
                guard.failed("epoll_wait", null, start, e);
            }
            long woke = clocks.monotonicMs();
            long busySince = System.nanoTime();
            spawnQueue.refill();
            long paused = pauses.observe(start, woke, timeout);
            if (paused > 0) {
                guard.run("fresh windows after a pause", null, woke, () -> freshWindows(paused, woke));
            }
            // every handler below runs guarded: no exception ends this loop (docs/reliability.md)
            serve(ready);
            Runnable task;
            while ((task = inbox.poll()) != null) {
                guard.run("loop task", null, clocks.monotonicMs(), task);
            }
            guard.run("reaping", null, clocks.monotonicMs(), this::reap);
            long now = clocks.monotonicMs();
            boolean due;
            try {
                due = nextDeadline() <= now;
            } catch (RuntimeException e) {
                guard.failed("computing the next deadline", null, now, e);
                due = true;
            }
            if (due) {
                // time is judged after the news: bytes and exits already waiting come first
                guard.run("draining pending events", null, now, this::drainPending);
                now = clocks.monotonicMs();
            }
            if (trouble.rescanDue(now)) {
                guard.run("rescan request", null, now, rescan);
            }
            long slotsAt = now;
            guard.run("offering spawn slots", null, slotsAt, () -> offerSpawnSlots(slotsAt));
            for (Vassal v : new ArrayList<>(table.values())) {
                if (table.get(v.name) == v) {
                    long at = now;
                    guard.run("timers", v, at, () -> {
                        adoptions.tick(v, at);
                        lifecycle.tick(v, at);
                    });
                }
            }
            long at = now;
            guard.run("shutdown step", null, at, () -> checkRagnarok(at));
            guard.run("resource report", null, at, () -> trouble.report(name -> {
                Vassal w = table.get(name);
                return w != null && w.state == VassalState.THROTTLED;
            }));
            lastIterationNanos = System.nanoTime() - busySince;
            guard.run("publishing the stats snapshot", null, at, this::publish);
            guard.run("service manager notification", null, at,
                    () -> hooks.iterationDone((int) table.values().stream().filter(v -> v.pid > 0).count()));
        }
        poller.close();
        return 0;
    }

    /** Vassals that waited for a spawn slot get this iteration's slots first, oldest first. */
    private void offerSpawnSlots(long now) {
        for (Vassal v : spawnQueue.waiting()) {
            if (table.get(v.name) != v || v.state != VassalState.THROTTLED) {
                spawnQueue.drop(v);
            } else {
                lifecycle.tick(v, now);
            }
        }
    }

    private void serve(List<Integer> ready) {
        for (int fd : ready) {
            Vassal v = byFd.get(fd);
            Vassal sleeper = byListenFd.get(fd);
            long at = clocks.monotonicMs();
            if (v != null) {
                guard.run("reading the pipe", v, at, () -> readPipe(v));
            } else if (sleeper != null) {
                if (!guard.run("on-demand connection", sleeper, at, () -> lifecycle.onDemandConnection(sleeper, at))) {
                    guard.run("throttling after a failed on-demand start", sleeper, at, () -> sleepAgainLater(sleeper, at));
                }
            } else if (!guard.run("fork-server session on fd " + fd, null, at, () -> adoptions.readable(fd, at))) {
                guard.run("unwatching fd " + fd, null, at, () -> poller.remove(fd)); // its session times out
            }
        }
    }

    /**
     * Before a deadline is judged: every fd that is readable now (a batch per poll, so several polls
     * when thousands are) and every child that has exited. An epoll wait cut short by a signal
     * (EINTR after SIGCONT) reports nothing although heartbeats wait in the pipes.
     */
    private void drainPending() {
        for (int round = 0; round < MAX_DRAIN_ROUNDS; round++) {
            List<Integer> ready = poller.await(0);
            if (ready.isEmpty()) {
                break;
            }
            serve(ready);
        }
        reap();
    }

    private void freshWindows(long pausedMs, long now) {
        log.warn("[emperor] the Emperor was paused for " + Math.max(1, Math.round(pausedMs / 1000.0))
                + " s: every vassal gets a fresh heartbeat window");
        for (Vassal v : table.values()) {
            lifecycle.freshWindow(v, now);
        }
    }

    private long nextDeadline() {
        long d = Math.min(ragnarokDeadline, buryDeadline);
        for (Vassal v : table.values()) {
            d = Math.min(d, lifecycle.nextDeadline(v));
        }
        d = Math.min(d, trouble.rescanDeadline());
        return Math.min(d, adoptions.nextDeadline(clocks.monotonicMs(), table.values()));
    }

    /** An on-demand start that threw: stop watching the socket, try again after a second (THROTTLED → ON_DEMAND). */
    private void sleepAgainLater(Vassal v, long now) {
        watchOnDemand(v, false);
        if (v.state == VassalState.ON_DEMAND) {
            v.state = VassalState.THROTTLED;
            v.spawnAt = now + LoopGuard.RETRY_MS;
        }
    }

    /** Reads what the pipe holds (until EAGAIN or a short read), not just one buffer. */
    private void readPipe(Vassal v) {
        for (int total = 0; total < MAX_PIPE_BYTES && v.pipeFd >= 0; ) {
            int n = nat.read(v.pipeFd, readBuf, readBuf.length);
            if (n == -Native.EAGAIN) {
                return;
            }
            long now = clocks.monotonicMs();
            if (n <= 0) {
                lifecycle.pipeEof(v, now);
                return;
            }
            for (int i = 0; i < n && v.pipeFd >= 0; i++) {
                lifecycle.pipeByte(v, readBuf[i] & 0xff, now);
            }
            if (n < readBuf.length) {
                return; // a short read emptied the pipe; level-triggered epoll reports anything newer
            }
            total += n;
        }
    }

    private void reap() {
        while (true) {
            Reaped r = helpers.reapAny();
            if (r.pid() <= 0) {
                return;
            }
            Vassal v = byPid.remove(r.pid());
            if (v == null) {
                adoptions.unclaimedExit(r);
                log.debug("[emperor] reaped pid " + r.pid() + " (" + Lifecycle.describe(r) + "), not a known vassal master");
                continue;
            }
            long at = clocks.monotonicMs();
            if (!guard.run("handling the exit of pid " + r.pid(), v, at, () -> lifecycle.reaped(v, r, at))) {
                guard.run("settling the exit of pid " + r.pid(), v, at, () -> afterFailedReap(v, r, at));
            }
            if (v.state != VassalState.RUNNING) {
                rescan.run(); // uWSGI rescans at once after a death
            }
        }
    }

    /**
     * The exit of {@code v}'s process could not be handled: that exit is not reported twice, so the
     * record must not keep a pid that may be reused. A vassal on its way out is forgotten; any other
     * is started again in a second, as after a crash (docs/reliability.md).
     */
    private void afterFailedReap(Vassal v, Reaped r, long now) {
        if (v.pid != r.pid() || table.get(v.name) != v) {
            return; // the transition got far enough
        }
        v.pid = -1;
        closePipe(v);
        boolean goesAway = v.stopReason == StopReason.REMOVED || v.stopReason == StopReason.RAGNAROK
                || v.stopReason == StopReason.COMMAND || v.stopReason == StopReason.PERMISSIONS;
        if (goesAway) {
            closeOnDemand(v);
            forget(v);
        } else {
            v.newRecord(now);
            v.state = VassalState.THROTTLED;
            v.spawnAt = now + LoopGuard.RETRY_MS;
        }
    }

    /** Applies one round of monitor answers, unless the Emperor is shutting down. */
    public void applyScan(List<ScanResult> results) {
        if (ragnarokDeadline == Long.MAX_VALUE) {
            scanDiff.apply(results, table, clocks.monotonicMs());
            hooks.scanApplied();
        }
    }

    public void reloadAll() {
        hooks.reloading();
        long now = clocks.monotonicMs();
        long wallNow = clocks.wallMs();
        for (Vassal v : new ArrayList<>(table.values())) {
            lifecycle.reloadAll(v, now, wallNow);
        }
        hooks.reloaded();
    }

    public void clearBlacklist() {
        log.verbose("[emperor] cleaning up blacklist ...");
        blacklist.clear();
        long now = clocks.monotonicMs();
        for (Vassal v : table.values()) {
            if (v.state == VassalState.THROTTLED) {
                v.spawnAt = now;
            }
        }
    }

    public void logStats() {
        for (Vassal v : table.values()) {
            int status = v.state == VassalState.RUNNING || v.state == VassalState.ON_DEMAND ? 0 : 1;
            log.about(v, "status").plain("vassal instance " + v.name + " (last modified " + Math.floorDiv(v.lastModNanos, 1_000_000_000L)
                    + ") status " + status + " loyal " + (v.loyal ? 1 : 0) + " zerg 0");
        }
    }

    /** SIGTERM/SIGINT: uWSGI's {@code royal_death}. */
    public void ragnarok() {
        long now = clocks.monotonicMs();
        if (ragnarokDeadline != Long.MAX_VALUE) {
            log.plain("[emperor] *** RAGNAROK ALREADY EVOKED (mercyless in " + Math.max(0, (ragnarokDeadline - now) / 1000) + " seconds)***");
            return;
        }
        log.plain("[emperor] *** RAGNAROK EVOKED ***");
        hooks.stopping();
        ragnarokDeadline = now + reloadMercyMs;
        for (Vassal v : new ArrayList<>(table.values())) {
            lifecycle.ragnarok(v, now);
        }
    }

    private void checkRagnarok(long now) {
        if (ragnarokDeadline == Long.MAX_VALUE) {
            return;
        }
        boolean alive = table.values().stream().anyMatch(v -> v.pid > 0 || v.state == VassalState.ADOPTING);
        if (!alive) {
            bury();
            return;
        }
        if (now >= ragnarokDeadline && buryDeadline == Long.MAX_VALUE) {
            for (Vassal v : table.values()) {
                if (v.pid > 0) {
                    log.about(v, "sigkill").verbose("[emperor] NO MERCY for vassal " + v.name + " !!!");
                    killGroup(v, Native.SIGKILL);
                    kill(v, Native.SIGKILL);
                }
            }
            buryDeadline = now + 5000; // SIGKILLed processes are reaped within milliseconds; never hang on exit
        } else if (now >= buryDeadline) {
            log.error("[emperor] vassals still not reaped after SIGKILL, exiting anyway");
            bury();
        }
    }

    private void bury() {
        try {
            Orphans.killAndReap(nat, poller, log);
        } finally {
            log.verbose("The Emperor is buried.");
            stopped = true;
        }
    }

    public boolean inRagnarok() {
        return ragnarokDeadline != Long.MAX_VALUE;
    }

    private void publish() {
        List<VassalView> listed = new ArrayList<>(table.size());
        List<VassalView> waiting = new ArrayList<>();
        LoopClock.WallView wall = clocks.wallView();
        for (Vassal v : table.values()) {
            boolean hidden = v.state == VassalState.THROTTLED || v.state == VassalState.EXILED
                    || v.state == VassalState.WAITING_FOR_BASE || v.state == VassalState.REFUSED;
            (hidden ? waiting : listed).add(v.view(blacklist.throttleMs(v.name), wall));
        }
        long spawns = retiredSpawns;
        long respawns = retiredRespawns;
        for (Vassal v : table.values()) {
            spawns += v.starts;
            respawns += Math.max(0, v.starts - 1);
        }
        LoopStats stats = new LoopStats(spawns, respawns, reloads, kills, lastIterationNanos, trouble.counts());
        published.set(snapshots.build(listed, blacklist.views(wall), clocks.wallMs(), waiting, stats));
    }

    // ---- Effects, called by Lifecycle on this thread ----

    /**
     * A spawn that cannot get its socketpair, file actions or posix_spawn is a failed spawn, never a
     * crash: for want of fds, memory or processes it is DEFERRED (no penalty, retried soon, one log
     * line per condition); for anything else it FAILED (blacklist and throttle, as uWSGI's failed
     * fork). See docs/reliability.md.
     */
    @Override
    public boolean spawnSlot(Vassal v) {
        return spawnQueue.take(v);
    }

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
        Start start;
        try {
            start = starter.start(v.file, v.listenFd);
        } catch (RuntimeException | Error e) {
            if (e instanceof InternalError || e instanceof UnknownError) {
                throw e;
            }
            log.debug("[emperor] spawn of " + v.name + " threw " + e);
            start = Start.of(SpawnOutcome.failed(e.toString(), false, Errno.of(e)));
        }
        SpawnOutcome o = start.outcome();
        if (o.kind() == SpawnOutcome.Kind.FAILED) {
            return lacking(v, o, now);
        }
        if (o.ok() || o.kind() == SpawnOutcome.Kind.ADOPTING) {
            try {
                poller.add(o.pipeFd());
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
            byFd.put(o.pipeFd(), v);
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
        if (written && b == dev.emperor.protocol.PipeByte.RELOAD) {
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
    public void pushConfig(Vassal v) {
        if (v.configFd < 0 || v.file.config() == null) {
            return; // a file-shaped vassal has no config pipe: byte 2 means nothing (as uWSGI)
        }
        String failed = ConfigPipe.push(nat, v.configFd, v.file.config());
        if (failed != null) {
            log.about(v, "config-push").error("[uwsgi-emperor] " + v.name + ": pushing its config: " + failed);
        }
    }

    /** Releasing never throws: the record is updated first, a failing epoll_ctl or close is only logged. */
    @Override
    public void closePipe(Vassal v) {
        int config = v.configFd;
        if (config >= 0) {
            v.configFd = -1; // not in epoll: nothing is read from it
            quietly("close of the config pipe of " + v.name, () -> nat.close(config));
        }
        int fd = v.pipeFd;
        if (fd >= 0) {
            v.pipeFd = -1;
            byFd.remove(fd);
            quietly("epoll_ctl(DEL) of the pipe of " + v.name, () -> poller.remove(fd));
            quietly("close of the pipe of " + v.name, () -> nat.close(fd));
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
            poller.add(fd);
            byListenFd.put(fd, v);
            v.listenWatched = true;
        } else {
            byListenFd.remove(fd);
            v.listenWatched = false;
            quietly("epoll_ctl(DEL) of the on-demand socket of " + v.name, () -> poller.remove(fd));
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
