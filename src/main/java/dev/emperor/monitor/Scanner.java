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
import java.util.function.Consumer;
import dev.emperor.log.Log;

/**
 * Runs the monitors off the event loop: a full scan every {@code emperor-freq} seconds (uWSGI's
 * safety net) and at once whenever inotify (the JDK WatchService) reports a change in a watched
 * directory or someone calls {@link #requestScan()}. Results go to the sink; the scanner itself
 * decides nothing.
 */
public final class Scanner implements AutoCloseable {
    private final List<Monitor> monitors;
    private final long freqMillis;
    private final Consumer<List<ScanResult>> sink;
    private final Log log;
    private final Object lock = new Object();
    private boolean requested = true; // first scan at once
    private volatile boolean closed;
    private DirWatches watches;
    private WatchService watchService;
    private Thread scanThread;
    private Thread watchThread;
    /** Fds for one look even when the Emperor is out of them: the directory stream (2) and one file (1). */
    private ReserveFd reserve;
    private volatile boolean usingReserve;

    /** How long a round waits for one monitor's scan before taking it as a failed look. */
    public static final Duration SCAN_BOUND = Duration.ofSeconds(10);

    private final BoundedScans scans;

    public Scanner(List<Monitor> monitors, Duration freq, Consumer<List<ScanResult>> sink, Log log) {
        this(monitors, freq, sink, log, SCAN_BOUND);
    }

    /** @param scanBound how long a round waits for each monitor (a hung mount must not stop the others) */
    public Scanner(List<Monitor> monitors, Duration freq, Consumer<List<ScanResult>> sink, Log log, Duration scanBound) {
        this.monitors = List.copyOf(monitors);
        this.freqMillis = Math.max(1, freq.toMillis());
        this.sink = sink;
        this.log = log;
        this.scans = new BoundedScans(Math.max(1, scanBound.toMillis()));
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
        scanThread = new Thread(this::scanLoop, "scanner");
        scanThread.setDaemon(true);
        scanThread.start();
        if (watchService != null) {
            watchThread = new Thread(this::watchLoop, "inotify");
            watchThread.setDaemon(true);
            watchThread.start();
        }
    }

    /** Thread-safe: scan again as soon as possible (SIGWINCH, a vassal died, a file event). */
    public void requestScan() {
        synchronized (lock) {
            requested = true;
            lock.notifyAll();
        }
    }

    private void scanLoop() {
        while (!closed) {
            synchronized (lock) {
                // monotonic: a wall-clock step back must not hold the next scan for as long as the step
                long deadline = System.nanoTime() + freqMillis * 1_000_000L;
                while (!requested && !closed) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) {
                        break;
                    }
                    try {
                        lock.wait(left);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                requested = false;
            }
            if (closed) {
                return;
            }
            try {
                if (!scanOnce()) {
                    return;
                }
            } catch (RuntimeException | Error e) {
                // out of memory or a bug must not end the scans for good: the next round tries again
                log.error("[emperor] scan failed: " + e + " (nothing concluded, scanning again in " + freqMillis + " ms)");
            }
        }
    }

    /**
     * True while a scan runs on the reserve fds: an Emperor out of fds then holds its spawns back, so
     * that the fds it needs to look (and to see a vassal file removed) are not taken by a spawn.
     */
    public boolean usingReserve() {
        return usingReserve;
    }

    /** One round over every monitor, each under its time bound; false when interrupted (closing). */
    private boolean scanOnce() {
        watchNewDirectories(); // before the scan, so that nothing created during it goes unseen
        List<ScanResult> results;
        // out of fds, the Emperor could otherwise never look again, nor see the removals that free fds
        usingReserve = reserve != null && reserve.release();
        try {
            results = scans.scanAll(monitors);
        } catch (InterruptedException e) {
            return false;
        } finally {
            if (reserve != null) {
                reserve.retake();
            }
            usingReserve = false;
        }
        watchNewDirectories();
        sink.accept(results);
        return true;
    }

    private void watchNewDirectories() {
        if (watches == null) {
            return;
        }
        List<Path> wanted = new ArrayList<>();
        for (Monitor m : monitors) {
            wanted.addAll(m.watchDirectories());
        }
        watches.refresh(wanted);
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
            // an inotify queue overflow arrives as OVERFLOW: a full scan is exactly the answer
            if (watches.wantsScan(key, events)) {
                requestScan();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        // the reserve stays with the scan thread (not thread-safe); it is closed with the process
        requestScan();
        scans.close();
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
