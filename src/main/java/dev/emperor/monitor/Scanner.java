package dev.emperor.monitor;

import dev.emperor.source.Monitor;
import dev.emperor.source.ScanResult;
import dev.emperor.internal.ReserveFd;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.Consumer;
import dev.emperor.log.Log;

/**
 * Runs the monitors off the event loop, each on a thread of its own, a {@link ScanLane} (docs/architecture.md,
 * "Vassal sources"): a full scan every {@code emperor-freq} seconds (uWSGI's safety net), at once
 * whenever inotify (the JDK WatchService) reports a change in a directory a monitor watches (after a
 * look at the entries the event named), whenever someone calls {@link #requestScan()}, and whenever a
 * monitor's own wake-up ({@link Monitor#wakeUps}) fires. Each answer goes to the sink alone, as soon as
 * it is there: a slow query of one monitor never holds the directory scans of another. The scanner
 * itself decides nothing.
 */
public final class Scanner implements AutoCloseable {
    private final List<ScanLane> lanes = new ArrayList<>();
    private final List<Thread> laneThreads = new ArrayList<>();
    private final List<Monitor> monitors;
    private final long freqMillis;
    private final Consumer<List<ScanResult>> sink;
    private final Log log;
    private volatile boolean closed;
    private DirWatches watches;
    private final Object watchesLock = new Object();
    private WatchService watchService;
    private Thread watchThread;
    /** Fds for one look even when the Emperor is out of them: the directory stream (2) and one file (1). */
    private ReserveFd reserve;
    private final Object reserveLock = new Object();
    private int reserveUsers;
    private volatile boolean usingReserve;
    /** The loop's word after applying the last scan: nothing in it waits on a periodic rescan. */
    private volatile boolean loopSettled;

    /** How long a runner waits for its monitor's scan before taking it as a failed look. */
    public static final Duration SCAN_BOUND = Duration.ofSeconds(10);

    private final long boundMillis;
    /** Wakes the watch thread when there is no inotify to poll (it still polices the scan bound). */
    private final Object idle = new Object();

    public Scanner(List<Monitor> monitors, Duration freq, Consumer<List<ScanResult>> sink, Log log) {
        this(monitors, freq, sink, log, SCAN_BOUND);
    }

    /** @param scanBound how long a runner waits for its monitor (a hung mount, a query that never ends) */
    public Scanner(List<Monitor> monitors, Duration freq, Consumer<List<ScanResult>> sink, Log log, Duration scanBound) {
        this.monitors = List.copyOf(monitors);
        this.freqMillis = Math.max(1, freq.toMillis());
        this.sink = sink;
        this.log = log;
        this.boundMillis = Math.max(1, scanBound.toMillis());
        ScanLane.Host host = new ScanLane.Host() {
            @Override
            public boolean closed() {
                return closed;
            }

            @Override
            public boolean loopSettled() {
                return loopSettled;
            }

            @Override
            public boolean watched(Monitor m) {
                return Scanner.this.watched(m);
            }

            @Override
            public ScanResult look(Monitor m, Supplier<ScanResult> what) {
                return Scanner.this.look(what);
            }
        };
        this.monitors.forEach(m -> lanes.add(new ScanLane(m, host, sink, log, freqMillis, boundMillis)));
    }

    public void start() {
        try {
            reserve = ReserveFd.take(3);
        } catch (RuntimeException | LinkageError e) {
            log.debug("[emperor] no reserve fds for the scanner: " + e);
        }
        try {
            watchService = FileSystems.getDefault().newWatchService();
            watches = new DirWatches(watchService);
        } catch (IOException e) {
            log.warn("[emperor] inotify unavailable (" + e.getMessage() + "), relying on the " + freqMillis + " ms rescan");
        }
        for (ScanLane r : lanes) {
            try {
                r.monitor.wakeUps(r::request);
            } catch (RuntimeException e) {
                log.error("[emperor] monitor " + r.monitor.argument() + ": " + e + " (relying on the " + freqMillis + " ms rescan)");
            }
            Thread t = new Thread(r, "scan " + r.monitor.argument());
            t.setDaemon(true);
            laneThreads.add(t);
            t.start();
        }
        // also the scan bound's keeper: a thread even without inotify
        watchThread = new Thread(this::watchLoop, "inotify");
        watchThread.setDaemon(true);
        watchThread.start();
    }

    /** Thread-safe: scan every monitor again as soon as possible (SIGWINCH, a vassal died). */
    public void requestScan() {
        lanes.forEach(ScanLane::request);
    }

    /**
     * Thread-safe, called by the loop after it applied a scan: true when no vassal is in a state that a
     * rescan finding the same files again could move on (see {@link PeriodicScans}).
     */
    public void loopSettled(boolean settled) {
        loopSettled = settled;
    }

    /**
     * True while a scan runs on the reserve fds: an Emperor out of fds then holds its spawns back, so
     * that the fds it needs to look (and to see a vassal file removed) are not taken by a spawn.
     */
    public boolean usingReserve() {
        return usingReserve;
    }

    /** Around each look of a lane: the watch refresh and the reserve fds (see {@link ScanLane.Host#look}). */
    private ScanResult look(Supplier<ScanResult> what) {
        watchNewDirectories(); // before the look, so that nothing created during it goes unseen
        // out of fds, the Emperor could otherwise never look again, nor see the removals that free fds
        useReserve(true);
        try {
            return what.get();
        } finally {
            useReserve(false);
            watchNewDirectories();
        }
    }

    /** The first scan in releases the reserve fds, the last one out takes them back. */
    private void useReserve(boolean begin) {
        synchronized (reserveLock) {
            if (reserve == null) {
                return;
            }
            if (begin && reserveUsers++ == 0) {
                usingReserve = reserve.release();
            } else if (!begin && --reserveUsers == 0) {
                reserve.retake();
                usingReserve = false;
            }
        }
    }

    /** How many periodic rescans were left out, over all monitors (see {@link PeriodicScans}). */
    long periodsLeftOut() {
        return lanes.stream().mapToLong(ScanLane::periodsLeftOut).sum();
    }

    private boolean watched(Monitor m) {
        Set<Path> dirs = m.watchDirectories();
        if (watches == null || dirs.isEmpty()) {
            return false;
        }
        synchronized (watchesLock) {
            return watches.watching(dirs);
        }
    }

    private void watchNewDirectories() {
        if (watches == null) {
            return;
        }
        List<Path> wanted = new ArrayList<>();
        for (Monitor m : monitors) {
            wanted.addAll(m.watchDirectories());
        }
        synchronized (watchesLock) {
            watches.refresh(wanted);
        }
    }

    /**
     * Hands each inotify event straight to the lanes of the monitors it concerns, with the entries it
     * named, and answers a failed look for a lane whose look ran past the bound (checked at least once
     * per bound, so a hung look is reported between one and two bounds after it began).
     */
    private void watchLoop() {
        while (!closed) {
            long now = System.nanoTime();
            long waitNanos = boundMillis * 1_000_000L;
            for (ScanLane lane : lanes) {
                ScanResult failed = lane.overdue(now);
                if (failed != null && !closed) {
                    sink.accept(List.of(failed));
                }
                waitNanos = Math.min(waitNanos, lane.nanosUntilDue(now));
            }
            long waitMs = Math.max(1, (waitNanos + 999_999L) / 1_000_000L);
            WatchKey key;
            try {
                if (watchService == null) {
                    synchronized (idle) {
                        idle.wait(waitMs);
                    }
                    continue;
                }
                key = watchService.poll(waitMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            if (key == null) {
                continue;
            }
            List<WatchEvent<?>> events = key.pollEvents();
            key.reset();
            // an inotify queue overflow arrives as OVERFLOW: a full scan is exactly the answer; only the
            // monitors that watch directories are asked (a database is not queried for a file event)
            if (!watches.wantsScan(key, events)) {
                continue;
            }
            Path dir = watches.ownDirectory(key);
            List<String> named = dir == null ? List.of() : namedEntries(events);
            for (ScanLane lane : lanes) {
                Set<Path> dirs = lane.monitor.watchDirectories();
                if (dir != null && dirs.contains(dir)) {
                    lane.request(dir, named);
                } else if (!dirs.isEmpty()) {
                    lane.request();
                }
            }
        }
    }

    /**
     * The entries created, changed, deleted or renamed; none when the queue overflowed (the full scan says
     * it all). A deleted vassal file is not a vassal at its look, which leaves it to the full scan.
     */
    static List<String> namedEntries(List<WatchEvent<?>> events) {
        List<String> names = new ArrayList<>(events.size());
        for (WatchEvent<?> e : events) {
            if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                return List.of();
            }
            if (e.context() instanceof Path p) {
                names.add(p.toString());
            } else {
                return List.of();
            }
        }
        return names;
    }

    @Override
    public void close() {
        closed = true;
        // the reserve stays with the process (not thread-safe to close under a running scan)
        requestScan();
        laneThreads.forEach(Thread::interrupt);
        synchronized (idle) {
            idle.notifyAll();
        }
        for (Monitor m : monitors) {
            try {
                m.close();
            } catch (RuntimeException e) {
                log.warn("[emperor] closing monitor " + m.argument() + ": " + e);
            }
        }
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
