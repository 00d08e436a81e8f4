package dev.emperor.core;

import dev.emperor.internal.Native;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalSource;
import dev.emperor.spawn.ForkServerSession;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The one thread that owns the vassal table, the blacklist and every timer. Other threads only
 * {@link #execute} small tasks (scan results, signals, commands); readiness of the fds in its poller
 * goes to the handler of each fd's kind ({@link FdHandlers}), children are reaped with waitpid(-1) on
 * every iteration ({@link Reaper}). Nothing here blocks except the epoll wait, whose timeout is the
 * nearest deadline. Deadlines are on the monotonic clock and judged only after the news already
 * waiting (pipe bytes, reaps) has been taken in; a pause of the whole Emperor gives every vassal a
 * fresh window; spawns per iteration are bounded (docs/reliability-time.md). Built once from
 * {@link LoopSettings} and {@link LoopParts} (docs/architecture.md, "Building the loop").
 */
public final class EmperorLoop {
    /** Zero-timeout polls before judging deadlines (each returns up to the poller's batch of fds). */
    private static final int MAX_DRAIN_ROUNDS = 64;

    private final Native.Poller poller;
    private final EmperorLog log;
    private final LoopClock clocks;
    private final Blacklist blacklist;
    private final LoopHooks hooks;
    private final Runnable rescan;
    private final Map<String, Vassal> table = new LinkedHashMap<>();
    private final FdHandlers fds;
    private final Adoptions adoptions;
    private final Lifecycle lifecycle;
    private final LoopGuard guard;
    private final ResourceTrouble trouble;
    private final ScanDiff scanDiff;
    private final Reaper reaper;
    private final Ragnarok ragnarok;
    private final SnapshotPublisher publisher;
    private final LoopDeadlines deadlines;
    private final Resumption resumption;
    private volatile Thread loopThread;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final PauseDetector pauses = new PauseDetector();
    private final SpawnQueue spawnQueue = new SpawnQueue(SpawnQueue.PER_ITERATION);
    private long lastIterationNanos;

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

    public EmperorLoop(LoopSettings settings, LoopParts parts) {
        Native nat = parts.nat();
        this.poller = nat.newPoller();
        this.log = parts.log();
        this.clocks = parts.clocks();
        this.blacklist = parts.blacklist();
        this.hooks = parts.hooks();
        this.rescan = parts.rescan();
        Map<Integer, Vassal> byPid = new HashMap<>();
        this.fds = new FdHandlers(poller);
        this.trouble = new ResourceTrouble(nat, log);
        this.adoptions = new Adoptions(nat, fds, byPid, settings.parentCheckMs());
        LoopEffects effects = new LoopEffects(parts, settings, fds, trouble, spawnQueue, adoptions, table, byPid,
                this::onDemandHookDone);
        this.lifecycle = new Lifecycle(effects, blacklist, log, settings.lifecycle());
        this.guard = new LoopGuard(log, lifecycle);
        this.scanDiff = new ScanDiff(lifecycle, log, settings.waitsForCommand(), guard, trouble);
        this.reaper = new Reaper(parts.helpers(), table, byPid, adoptions, lifecycle, guard, log, clocks, rescan, hooks);
        this.ragnarok = new Ragnarok(nat, poller, log, hooks, lifecycle, effects, settings.reloadMercyMs(),
                !settings.lifecycle().gracefulShutdown());
        this.deadlines = new LoopDeadlines(table, lifecycle, ragnarok, trouble, adoptions, clocks, hooks, guard);
        this.publisher = new SnapshotPublisher(table, blacklist, clocks, parts.snapshots(), effects, trouble);
        fds.handle(FdHandlers.Kind.VASSAL_PIPE, new PipeReader(nat, lifecycle, clocks));
        fds.handle(FdHandlers.Kind.ON_DEMAND_SOCKET, new OnDemandConnections(lifecycle));
        fds.handle(FdHandlers.Kind.FORK_SERVER_SESSION, new SessionReplies(adoptions, lifecycle, poller));
        this.resumption = new Resumption(table, byPid, fds, blacklist, effects, trouble, clocks, log, nat, lifecycle);
        publisher.publish(0);
    }

    /** Thread-safe: an on-demand hook ended (docs/hooks.md); a record forgotten meanwhile is not told. */
    private void onDemandHookDone(Vassal v, long sleep, boolean configChanged, boolean ok) {
        execute(() -> {
            if (table.get(v.name) == v) {
                long now = clocks.monotonicMs();
                guard.run("on-demand hook outcome", v, now, () -> lifecycle.onDemandHookDone(v, sleep, configChanged, ok, now));
            }
        });
    }

    /** Loop thread only: the state handed to the next process by an in-place upgrade (docs/upgrade.md). */
    public LoopImage capture() {
        return resumption.capture();
    }

    /** Before {@link #run}, on its thread: the records handed over by the previous process; returns how many. */
    public int resume(LoopImage image) {
        int n = resumption.resume(image);
        publisher.publish(0);
        return n;
    }

    /** Before {@link #run}: a vassal known only by pid and pipe (docs/upgrade.md, the manifest). */
    public void resumeBlind(String name, int pid, int pipeFd) {
        resumption.resumeBlind(name, pid, pipeFd);
    }

    private static final String INTERNAL_ERROR = "internal error, see the Emperor's log";

    /**
     * Thread-safe: runs an operator command on the loop and completes with its result and the
     * vassal's state afterwards.
     */
    public CompletableFuture<Control.Result> control(String name, Control.Action action) {
        CompletableFuture<Control.Result> result = new CompletableFuture<>();
        execute(() -> {
            Vassal v = table.get(name);
            if (v == null) {
                result.complete(new Control.Result(false, true, "no vassal named " + name, null));
                return;
            }
            long at = clocks.monotonicMs();
            String refusal = guard.call("operator command " + action, v, at,
                    () -> lifecycle.command(action, v, at, clocks.wallMs()), INTERNAL_ERROR);
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

    /** The last snapshot built, however old (for the tests). */
    EmperorSnapshot lastBuilt() {
        return publisher.snapshot();
    }

    /** Thread-safe: the stats snapshot as the table is now (built on the loop: see SnapshotPublisher). */
    public EmperorSnapshot snapshot() {
        Thread t = loopThread;
        if (t == null) {
            return publisher.snapshot(); // the loop is not running (yet, or any more)
        }
        if (Thread.currentThread() == t) {
            return publisher.fresh(lastIterationNanos);
        }
        return publisher.fromLoop(this::execute, () -> lastIterationNanos);
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
        loopThread = Thread.currentThread();
        try {
            return iterate();
        } finally {
            loopThread = null;
            try {
                publisher.fresh(lastIterationNanos); // what readers see from now on
            } catch (RuntimeException e) {
                log.error("[emperor] the last stats snapshot: " + e);
            }
        }
    }

    private int iterate() {
        while (!ragnarok.buried()) {
            long start = clocks.monotonicMs();
            long timeout = deadlines.timeout(start, !inbox.isEmpty());
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
            fds.serve(ready, guard, clocks::monotonicMs);
            Runnable task;
            while ((task = inbox.poll()) != null) {
                guard.run("loop task", null, clocks.monotonicMs(), task);
            }
            guard.run("reaping", null, clocks.monotonicMs(), reaper::reap);
            long now = clocks.monotonicMs();
            if (deadlines.due(now)) {
                // time is judged after the news: bytes and exits already waiting come first
                guard.run("draining pending events", null, now, this::drainPending);
                now = clocks.monotonicMs();
            }
            judgeTime(now);
            lastIterationNanos = System.nanoTime() - busySince;
            long at = now;
            publisher.changed();
            guard.run("service manager notification", null, at,
                    () -> hooks.iterationDone((int) table.values().stream().filter(v -> v.pid > 0).count()));
        }
        poller.close();
        return 0;
    }

    /** After the news: rescans asked for, spawn slots, every vassal's timers, the shutdown, the resource report. */
    private void judgeTime(long now) {
        if (trouble.rescanDue(now)) {
            guard.run("rescan request", null, now, rescan);
        }
        guard.run("offering spawn slots", null, now, () -> offerSpawnSlots(now));
        for (Vassal v : new ArrayList<>(table.values())) {
            if (table.get(v.name) == v) {
                guard.run("timers", v, now, () -> {
                    adoptions.tick(v, now, lifecycle);
                    lifecycle.tick(v, now);
                });
            }
        }
        guard.run("shutdown step", null, now, () -> ragnarok.step(table.values(), now));
        guard.run("resource report", null, now, () -> trouble.report(name -> {
            Vassal w = table.get(name);
            return w != null && w.state == VassalState.THROTTLED;
        }));
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
            fds.serve(ready, guard, clocks::monotonicMs);
        }
        reaper.reap();
    }

    private void freshWindows(long pausedMs, long now) {
        log.warn("[emperor] the Emperor was paused for " + Math.max(1, Math.round(pausedMs / 1000.0))
                + " s: every vassal gets a fresh heartbeat window");
        for (Vassal v : table.values()) {
            lifecycle.freshWindow(v, now);
        }
    }

    /** Applies one round of monitor answers, unless the Emperor is shutting down. */
    public void applyScan(List<ScanResult> results) {
        if (!ragnarok.evoked()) {
            scanDiff.apply(results, table, clocks.monotonicMs());
            hooks.scanApplied();
        }
    }

    /**
     * True when no vassal waits on a rescan that finds its file unchanged: every one is running or asleep
     * on demand, with its file present, and nothing failed for want of fds or memory. A vassal stopping,
     * adopting or waiting for its base may have let a newer mtime pass without acting on it
     * (core/Lifecycle#fileSeen), which only the next rescan picks up (docs/operations.md, "Idle cost").
     */
    public boolean settled() {
        if (trouble.troubled()) {
            return false;
        }
        for (Vassal v : table.values()) {
            if (v.fileGone || (v.state != VassalState.RUNNING && v.state != VassalState.ON_DEMAND)) {
                return false;
            }
        }
        return true;
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
            lifecycle.blacklistCleared(v, now);
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
        ragnarok.evoke(table.values(), clocks.monotonicMs());
    }

    public boolean inRagnarok() {
        return ragnarok.evoked();
    }
}
