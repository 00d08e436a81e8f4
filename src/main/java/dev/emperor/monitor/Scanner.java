package dev.emperor.monitor;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the monitors off the event loop: a full scan every {@code emperor-freq} seconds (uWSGI's
 * safety net) and at once whenever inotify (the JDK WatchService) reports a change in a watched
 * directory or someone calls {@link #requestScan()}. Results go to the sink; the scanner itself
 * decides nothing.
 */
public final class Scanner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("emperor");

    private final List<Monitor> monitors;
    private final long freqMillis;
    private final Consumer<List<ScanResult>> sink;
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

    public Scanner(List<Monitor> monitors, Duration freq, Consumer<List<ScanResult>> sink) {
        this.monitors = List.copyOf(monitors);
        this.freqMillis = Math.max(1, freq.toMillis());
        this.sink = sink;
    }

    public void start() {
        try {
            reserve = ReserveFd.take(3);
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("[emperor] no reserve fds for the scanner: {}", e.toString());
        }
        try {
            watchService = FileSystems.getDefault().newWatchService();
            watches = new DirWatches(watchService);
        } catch (IOException e) {
            LOG.warn("[emperor] inotify unavailable ({}), relying on the {} ms rescan", e.getMessage(), freqMillis);
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
                long deadline = System.currentTimeMillis() + freqMillis;
                while (!requested && !closed) {
                    long left = deadline - System.currentTimeMillis();
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
                scanOnce();
            } catch (RuntimeException | Error e) {
                // out of memory or a bug must not end the scans for good: the next round tries again
                LOG.error("[emperor] scan failed: {} (nothing concluded, scanning again in {} ms)", e.toString(), freqMillis);
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

    private void scanOnce() {
        watchNewDirectories(); // before the scan, so that nothing created during it goes unseen
        List<ScanResult> results = new ArrayList<>(monitors.size());
        // out of fds, the Emperor could otherwise never look again, nor see the removals that free fds
        usingReserve = reserve != null && reserve.release();
        try {
            for (Monitor m : monitors) {
                try {
                    results.add(m.scan());
                } catch (RuntimeException e) {
                    results.add(ScanResult.failed(m.argument(), e.toString(), dev.emperor.internal.Errno.of(e)));
                }
            }
        } finally {
            if (reserve != null) {
                reserve.retake();
            }
            usingReserve = false;
        }
        watchNewDirectories();
        sink.accept(results);
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
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
