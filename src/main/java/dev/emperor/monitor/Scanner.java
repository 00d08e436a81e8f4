package dev.emperor.monitor;

import dev.emperor.source.Monitor;
import dev.emperor.source.ScanResult;
import dev.emperor.internal.ReserveFd;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import dev.emperor.log.Log;

/**
 * Runs the monitors off the event loop, each on a runner thread of its own (docs/architecture.md,
 * "Vassal sources"): a full scan every {@code emperor-freq} seconds (uWSGI's safety net), at once
 * whenever inotify (the JDK WatchService) reports a change in a directory a monitor watches, whenever
 * someone calls {@link #requestScan()}, and whenever a monitor's own wake-up ({@link Monitor#wakeUps})
 * fires. Each answer goes to the sink alone, as soon as it is there: a slow query of one monitor never
 * holds the directory scans of another. The scanner itself decides nothing.
 */
public final class Scanner implements AutoCloseable {
    private final List<Runner> runners = new ArrayList<>();
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

    private final BoundedScans scans;

    public Scanner(List<Monitor> monitors, Duration freq, Consumer<List<ScanResult>> sink, Log log) {
        this(monitors, freq, sink, log, SCAN_BOUND);
    }

    /** @param scanBound how long a runner waits for its monitor (a hung mount, a query that never ends) */
    public Scanner(List<Monitor> monitors, Duration freq, Consumer<List<ScanResult>> sink, Log log, Duration scanBound) {
        this.monitors = List.copyOf(monitors);
        this.freqMillis = Math.max(1, freq.toMillis());
        this.sink = sink;
        this.log = log;
        this.scans = new BoundedScans(Math.max(1, scanBound.toMillis()));
        this.monitors.forEach(m -> runners.add(new Runner(m)));
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
        for (Runner r : runners) {
            try {
                r.monitor.wakeUps(r::request);
            } catch (RuntimeException e) {
                log.error("[emperor] monitor " + r.monitor.argument() + ": " + e + " (relying on the " + freqMillis + " ms rescan)");
            }
            Thread t = new Thread(r, "scanner " + r.monitor.argument());
            t.setDaemon(true);
            t.start();
        }
        if (watchService != null) {
            watchThread = new Thread(this::watchLoop, "inotify");
            watchThread.setDaemon(true);
            watchThread.start();
        }
    }

    /** Thread-safe: scan every monitor again as soon as possible (SIGWINCH, a vassal died). */
    public void requestScan() {
        runners.forEach(Runner::request);
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

    /** One monitor's schedule: its own request flag, its own emperor-freq deadline. */
    private final class Runner implements Runnable {
        final Monitor monitor;
        private boolean requested = true; // first scan at once
        private final PeriodicScans periodic = new PeriodicScans();

        Runner(Monitor monitor) {
            this.monitor = monitor;
        }

        synchronized void request() {
            requested = true;
            notifyAll();
        }

        @Override
        public void run() {
            while (!closed) {
                boolean asked;
                synchronized (this) {
                    // monotonic: a wall-clock step back must not hold the next scan for as long as the step
                    long deadline = System.nanoTime() + freqMillis * 1_000_000L;
                    while (!requested && !closed) {
                        long left = (deadline - System.nanoTime()) / 1_000_000L;
                        if (left <= 0) {
                            break;
                        }
                        try {
                            wait(left);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    asked = requested;
                    requested = false;
                }
                if (closed) {
                    return;
                }
                if (!periodic.scanNow(asked, loopSettled, watched(monitor), monitor.watchesSeeEverything())) {
                    continue;
                }
                try {
                    if (!scanOnce(monitor)) {
                        return;
                    }
                } catch (RuntimeException | Error e) {
                    // out of memory or a bug must not end the scans for good: the next round tries again
                    log.error("[emperor] scan of " + monitor.argument() + " failed: " + e + " (nothing concluded, scanning again in "
                            + freqMillis + " ms)");
                }
            }
        }
    }

    /** One scan of one monitor under its time bound, handed to the sink; false when interrupted (closing). */
    private boolean scanOnce(Monitor m) {
        watchNewDirectories(); // before the scan, so that nothing created during it goes unseen
        ScanResult result;
        // out of fds, the Emperor could otherwise never look again, nor see the removals that free fds
        useReserve(true);
        try {
            result = scans.scan(m);
        } catch (InterruptedException e) {
            return false;
        } finally {
            useReserve(false);
        }
        watchNewDirectories();
        if (!closed) {
            sink.accept(List.of(result));
        }
        return true;
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
        return runners.stream().mapToLong(r -> r.periodic.leftOutTotal()).sum();
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

    private void watchLoop() {
        while (!closed) {
            WatchKey key;
            try {
                key = watchService.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            List<WatchEvent<?>> events = key.pollEvents();
            key.reset();
            // an inotify queue overflow arrives as OVERFLOW: a full scan is exactly the answer; only the
            // monitors that watch directories are asked (a database is not queried for a file event)
            if (watches.wantsScan(key, events)) {
                runners.stream().filter(r -> !r.monitor.watchDirectories().isEmpty()).forEach(Runner::request);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        // the reserve stays with the process (not thread-safe to close under a running scan)
        requestScan();
        scans.close();
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
