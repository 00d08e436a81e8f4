package dev.emperor.core;

import dev.emperor.internal.Native;
import dev.emperor.internal.Reaped;
import dev.emperor.monitor.ScanResult;
import dev.emperor.monitor.Skipped;
import dev.emperor.monitor.VassalFile;
import dev.emperor.spawn.ForkServerSession;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The one thread that owns the vassal table, the blacklist and every timer. Other threads only
 * {@link #execute} small tasks (scan results, signals); readiness of vassal pipes comes from
 * epoll, children are reaped with waitpid(-1) on every iteration. Nothing here blocks except the
 * epoll wait, whose timeout is the nearest lifecycle deadline.
 */
public final class EmperorLoop implements Effects {
    private final Native nat;
    private final Native.Poller poller;
    private final VassalStarter starter;
    private final EmperorLog log;
    private final LongSupplier clock;
    private final Blacklist blacklist;
    private final Lifecycle lifecycle;
    private final SnapshotFactory snapshots;
    private final long reloadMercyMs;
    private final Runnable rescan;

    private final Map<String, Vassal> table = new LinkedHashMap<>();
    private final Map<Integer, Vassal> byFd = new HashMap<>();
    private final Map<Integer, Vassal> byPid = new HashMap<>();
    /** Fork-server sessions in flight, by their socket fd. */
    private final Map<Integer, Vassal> sessionFds = new HashMap<>();
    private final Map<Vassal, ForkServerSession> sessions = new HashMap<>();
    /** Children reaped before anyone claimed them: an adopted vassal may die before its pid reply is read. */
    private final Map<Integer, Reaped> unclaimed = new LinkedHashMap<>();
    private final long parentCheckMs;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicReference<EmperorSnapshot> published = new AtomicReference<>();
    private final Set<String> reportedSkips = new HashSet<>();
    private final Map<String, String> monitorErrors = new HashMap<>();
    private final byte[] readBuf = new byte[256];

    private long ragnarokDeadline = Long.MAX_VALUE;
    private long buryDeadline = Long.MAX_VALUE;
    private volatile boolean stopped;

    /** Starts one vassal; the loop registers what it returns. */
    public interface VassalStarter {
        Start start(VassalFile file);
    }

    /** A spawn's outcome, plus the fork-server session when the vassal is being adopted. */
    public record Start(Effects.SpawnOutcome outcome, ForkServerSession session) {
        public static Start of(Effects.SpawnOutcome outcome) {
            return new Start(outcome, null);
        }
    }

    public EmperorLoop(Native nat, VassalStarter starter, EmperorLog log, LongSupplier clock,
                       Blacklist blacklist, Lifecycle.Settings settings, SnapshotFactory snapshots,
                       long reloadMercyMs, Runnable rescan, long parentCheckMs) {
        this.nat = nat;
        this.poller = nat.newPoller();
        this.starter = starter;
        this.log = log;
        this.clock = clock;
        this.blacklist = blacklist;
        this.lifecycle = new Lifecycle(this, blacklist, log, settings);
        this.snapshots = snapshots;
        this.reloadMercyMs = reloadMercyMs;
        this.rescan = rescan;
        this.parentCheckMs = parentCheckMs;
        publish();
    }

    /** Thread-safe: run {@code task} on the loop thread soon. */
    public void execute(Runnable task) {
        inbox.add(task);
        poller.wakeup();
    }

    public EmperorSnapshot snapshot() {
        return published.get();
    }

    /** Runs until Ragnarok completes; returns the exit status. */
    public int run() {
        while (!stopped) {
            long now = clock.getAsLong();
            long deadline = nextDeadline();
            long timeout = deadline == Long.MAX_VALUE ? -1 : Math.max(0, deadline - now);
            for (int fd : poller.await(timeout)) {
                Vassal v = byFd.get(fd);
                if (v != null) {
                    readPipe(v);
                } else if ((v = sessionFds.get(fd)) != null) {
                    sessionReadable(v);
                }
            }
            Runnable task;
            while ((task = inbox.poll()) != null) {
                task.run();
            }
            reap();
            now = clock.getAsLong();
            for (Vassal v : new ArrayList<>(table.values())) {
                if (table.get(v.name) == v) {
                    expireSession(v, now);
                    checkParent(v, now);
                    lifecycle.tick(v, now);
                }
            }
            checkRagnarok(now);
            publish();
        }
        poller.close();
        return 0;
    }

    private long nextDeadline() {
        long d = Math.min(ragnarokDeadline, buryDeadline);
        for (Vassal v : table.values()) {
            d = Math.min(d, lifecycle.nextDeadline(v));
            if (v.parentCheckUntil > 0) {
                d = Math.min(d, clock.getAsLong() + 10); // re-parenting takes microseconds: look again soon
            }
        }
        for (ForkServerSession s : sessions.values()) {
            d = Math.min(d, s.deadline());
        }
        return d;
    }

    private void sessionReadable(Vassal v) {
        ForkServerSession s = sessions.get(v);
        ForkServerSession.Progress p = s.onReadable();
        if (!p.done()) {
            return;
        }
        endSession(v);
        long now = clock.getAsLong();
        if (p.error() != null) {
            lifecycle.adoptionFailed(v, p.error(), now);
            return;
        }
        int pid = p.pid();
        Reaped dead = unclaimed.remove(pid);
        if (dead == null) {
            byPid.put(pid, v);
        }
        lifecycle.adopted(v, pid, dead, now);
        if (dead == null && v.pid == pid && nat.parentOf(pid) != nat.getpid()) {
            v.parentCheckUntil = now + parentCheckMs;
        }
        log.debug("[emperor] vassal " + v.name + " adopted (pid: " + pid + ")");
    }

    private void endSession(Vassal v) {
        ForkServerSession s = sessions.remove(v);
        if (s != null) {
            sessionFds.remove(s.fd());
            poller.remove(s.fd());
            s.close();
        }
    }

    private void expireSession(Vassal v, long now) {
        ForkServerSession s = sessions.get(v);
        if (s != null && now >= s.deadline()) {
            endSession(v);
            lifecycle.adoptionFailed(v, "no reply within socket-timeout", now);
        }
    }

    /** "A pid that is not (or not yet) our child": wait for the re-parenting, then give up on it. */
    private void checkParent(Vassal v, long now) {
        if (v.parentCheckUntil == 0) {
            return;
        }
        if (v.pid <= 0 || nat.parentOf(v.pid) == nat.getpid()) {
            v.parentCheckUntil = 0;
        } else if (now >= v.parentCheckUntil) {
            v.parentCheckUntil = 0;
            Reaped dead = unclaimed.remove(v.pid);
            if (dead != null) {
                lifecycle.reaped(v, dead, now);
                return;
            }
            byPid.remove(v.pid, v);
            lifecycle.notOurChild(v, now);
        }
    }

    private void readPipe(Vassal v) {
        int n = nat.read(v.pipeFd, readBuf, readBuf.length);
        if (n == -Native.EAGAIN) {
            return;
        }
        long now = clock.getAsLong();
        if (n <= 0) {
            lifecycle.pipeEof(v, now);
            return;
        }
        for (int i = 0; i < n && v.pipeFd >= 0; i++) {
            lifecycle.pipeByte(v, readBuf[i] & 0xff, now);
        }
    }

    private void reap() {
        while (true) {
            Reaped r = nat.reapAny();
            if (r.pid() <= 0) {
                return;
            }
            Vassal v = byPid.remove(r.pid());
            if (v == null) {
                if (!sessions.isEmpty() || unclaimed.size() < 64) {
                    unclaimed.put(r.pid(), r); // maybe an adopted vassal whose pid reply is still on its way
                    while (unclaimed.size() > 1024) {
                        unclaimed.remove(unclaimed.keySet().iterator().next());
                    }
                }
                log.debug("[emperor] reaped pid " + r.pid() + " (" + Lifecycle.describe(r) + "), not a known vassal master");
                continue;
            }
            lifecycle.reaped(v, r, clock.getAsLong());
            if (v.state != VassalState.RUNNING) {
                rescan.run(); // uWSGI rescans at once after a death
            }
        }
    }

    /** Applies one round of monitor answers (the removal pass only for monitors that could scan). */
    public void applyScan(List<ScanResult> results) {
        if (ragnarokDeadline != Long.MAX_VALUE) {
            return;
        }
        long now = clock.getAsLong();
        for (ScanResult r : results) {
            if (!r.ok()) {
                if (!r.error().equals(monitorErrors.put(r.monitor(), r.error()))) {
                    log.error("[emperor] monitor " + r.monitor() + ": " + r.error() + " (vassals kept as they are)");
                }
                continue;
            }
            if (monitorErrors.remove(r.monitor()) != null) {
                log.plain("[emperor] monitor " + r.monitor() + " is readable again");
            }
            reportSkips(r);
            Set<String> present = new HashSet<>();
            for (VassalFile f : r.vassals()) {
                present.add(f.name());
                Vassal v = table.get(f.name());
                if (v == null) {
                    Vassal created = lifecycle.fileAppeared(f, now);
                    table.put(created.name, created);
                } else if (v.file.monitor().equals(f.monitor())) {
                    lifecycle.fileSeen(v, f, now);
                } else if (reportedSkips.add(r.monitor() + "\0dup\0" + f.name())) {
                    log.warn("[emperor] skipping " + f.path() + ": vassal name " + f.name()
                            + " is already provided by monitor " + v.file.monitor());
                }
            }
            for (Vassal v : new ArrayList<>(table.values())) {
                if (v.file.monitor().equals(r.monitor()) && !present.contains(v.name) && !v.fileGone) {
                    lifecycle.fileGone(v, now);
                }
            }
        }
    }

    private void reportSkips(ScanResult r) {
        Set<String> current = new HashSet<>();
        for (Skipped s : r.skipped()) {
            String key = r.monitor() + "\0" + s.name() + "\0" + s.reason();
            current.add(key);
            if (reportedSkips.add(key)) {
                log.warn("[emperor] skipping " + s.name() + " in " + r.monitor() + ": " + s.reason());
            }
        }
        reportedSkips.removeIf(k -> k.startsWith(r.monitor() + "\0") && !k.contains("\0dup\0") && !current.contains(k));
    }

    public void reloadAll() {
        long now = clock.getAsLong();
        for (Vassal v : new ArrayList<>(table.values())) {
            lifecycle.reloadAll(v, now);
        }
    }

    public void clearBlacklist() {
        log.verbose("[emperor] cleaning up blacklist ...");
        blacklist.clear();
        long now = clock.getAsLong();
        for (Vassal v : table.values()) {
            if (v.state == VassalState.THROTTLED) {
                v.spawnAt = now;
            }
        }
    }

    public void logStats() {
        for (Vassal v : table.values()) {
            int status = v.state == VassalState.RUNNING ? 0 : 1;
            log.plain("vassal instance " + v.name + " (last modified " + Math.floorDiv(v.lastModNanos, 1_000_000_000L)
                    + ") status " + status + " loyal " + (v.loyal ? 1 : 0) + " zerg 0");
        }
    }

    /** SIGTERM/SIGINT: uWSGI's {@code royal_death}. */
    public void ragnarok() {
        long now = clock.getAsLong();
        if (ragnarokDeadline != Long.MAX_VALUE) {
            log.plain("[emperor] *** RAGNAROK ALREADY EVOKED (mercyless in " + Math.max(0, (ragnarokDeadline - now) / 1000) + " seconds)***");
            return;
        }
        log.plain("[emperor] *** RAGNAROK EVOKED ***");
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
                    log.plain("[emperor] NO MERCY for vassal " + v.name + " !!!");
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
        Orphans.killAndReap(nat, poller, log);
        log.verbose("The Emperor is buried.");
        stopped = true;
    }

    public boolean inRagnarok() {
        return ragnarokDeadline != Long.MAX_VALUE;
    }

    private void publish() {
        List<VassalView> views = new ArrayList<>(table.size());
        for (Vassal v : table.values()) {
            if (v.state != VassalState.THROTTLED && v.state != VassalState.EXILED) {
                views.add(v.view(blacklist.throttleMs(v.name)));
            }
        }
        published.set(snapshots.build(views, blacklist.views(), clock.getAsLong()));
    }

    // ---- Effects, called by Lifecycle on this thread ----

    @Override
    public SpawnOutcome spawn(Vassal v) {
        Start start = starter.start(v.file);
        SpawnOutcome o = start.outcome();
        if (o.ok()) {
            byPid.put(o.pid(), v);
            log.debug("[emperor] started vassal " + v.name + " (pid: " + o.pid() + ")");
        }
        if (o.ok() || o.kind() == SpawnOutcome.Kind.ADOPTING) {
            byFd.put(o.pipeFd(), v);
            poller.add(o.pipeFd());
        }
        if (start.session() != null) {
            sessions.put(v, start.session());
            sessionFds.put(start.session().fd(), v);
            poller.add(start.session().fd());
        }
        return o;
    }

    @Override
    public boolean send(Vassal v, int b) {
        if (v.pipeFd < 0) {
            return false;
        }
        return nat.write(v.pipeFd, new byte[] {(byte) b}, 0, 1) == 1;
    }

    @Override
    public boolean kill(Vassal v, int signal) {
        return v.pid > 0 && nat.kill(v.pid, signal) == 0;
    }

    @Override
    public void killGroup(Vassal v, int signal) {
        if (v.pid > 1) {
            nat.killGroup(v.pid, signal);
        }
    }

    @Override
    public void closePipe(Vassal v) {
        if (v.pipeFd >= 0) {
            byFd.remove(v.pipeFd);
            poller.remove(v.pipeFd);
            nat.close(v.pipeFd);
            v.pipeFd = -1;
        }
    }

    @Override
    public void forget(Vassal v) {
        endSession(v);
        v.parentCheckUntil = 0;
        table.remove(v.name, v);
        if (v.pid > 0) {
            byPid.remove(v.pid, v);
        }
    }
}
