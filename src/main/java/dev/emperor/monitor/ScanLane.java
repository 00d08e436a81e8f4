package dev.emperor.monitor;

import dev.emperor.log.Log;
import dev.emperor.source.Monitor;
import dev.emperor.source.ScanResult;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One monitor's scans, on one thread of its own that both schedules and runs them and hands each
 * answer straight to the sink (docs/operations.md, "Fork-server adoption: the daemon's share"): an
 * inotify event wakes this thread, which looks at once at the entries the event named (a
 * {@link ScanResult#partial} answer, so a new file's vassal does not wait for the whole directory);
 * the whole source is scanned right after when that look left a doubt (a named vassal file gone,
 * refused or unreadable), else at the next period, which the event makes due. A full scan also runs
 * every {@code emperor-freq} (unless {@link PeriodicScans} leaves it out), on request and on an
 * overflow of the inotify queue.
 * <p>
 * The bound (docs/reliability-time.md, "Other faults"): this thread may hang in a look (a hung
 * mount); the {@link Scanner}'s watch thread then calls {@link #overdue} and answers a failed look
 * for this monitor in its place. The late answer of the hung look is dropped, and no other look
 * starts while it hangs.
 */
final class ScanLane implements Runnable {
    /** More names than this in one wake-up (a storm): the full scan alone, one pass instead of many looks. */
    static final int MAX_NAMED = 64;

    /** What the lane needs from its scanner. */
    interface Host {
        boolean closed();

        boolean loopSettled();

        boolean watched(Monitor m);

        /** Around every look: the reserve fds, the watch refresh. */
        ScanResult look(Monitor m, java.util.function.Supplier<ScanResult> look);
    }

    final Monitor monitor;
    private final Host host;
    private final Consumer<List<ScanResult>> sink;
    private final Log log;
    private final long freqNanos;
    private final long boundNanos;
    private final PeriodicScans periodic = new PeriodicScans();

    // guarded by this
    private boolean requested = true; // the first scan at once
    private final Map<Path, Set<String>> named = new LinkedHashMap<>();
    // the lane thread's own
    private boolean fullScanDone;
    /** A targeted look answered an event: the full scan is owed at the next period, whatever PeriodicScans says. */
    private boolean fullScanDue;
    // guarded by this
    private long lookStarted; // System.nanoTime() of the look under way, 0 when none
    private boolean abandoned;
    private long nextHangReport;

    ScanLane(Monitor monitor, Host host, Consumer<List<ScanResult>> sink, Log log, long freqMillis, long boundMillis) {
        this.monitor = monitor;
        this.host = host;
        this.sink = sink;
        this.log = log;
        this.freqNanos = freqMillis * 1_000_000L;
        this.boundNanos = boundMillis * 1_000_000L;
    }

    /** Thread-safe: a full scan as soon as possible. */
    synchronized void request() {
        requested = true;
        notifyAll();
    }

    /**
     * Thread-safe: an inotify event in {@code dir} created or changed these entries (and nothing else): look
     * at them at once; when every one of them is a vassal, or no vassal's name, the full scan waits for the
     * next period, else it follows at once.
     */
    synchronized void request(Path dir, Collection<String> names) {
        if (names.isEmpty()) {
            requested = true;
        } else if (!requested) {
            Set<String> s = named.computeIfAbsent(dir, d -> new LinkedHashSet<>());
            s.addAll(names);
            if (s.size() > MAX_NAMED) {
                requested = true; // a storm: one pass over the directory instead of many looks
                named.clear();
            }
        }
        notifyAll();
    }

    long periodsLeftOut() {
        return periodic.leftOutTotal();
    }

    @Override
    public void run() {
        // monotonic: a wall-clock step back must not hold the next scan for as long as the step
        long deadline = System.nanoTime() + freqNanos;
        while (!host.closed()) {
            boolean asked;
            boolean period;
            Map<Path, Set<String>> names;
            synchronized (this) {
                while (!requested && named.isEmpty() && !host.closed()) {
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
                period = deadline - System.nanoTime() <= 0;
                names = Map.copyOf(named);
                named.clear();
                // before the first full scan, that scan says it all; targeted looks do not move the period on
                asked = requested || (!names.isEmpty() && !fullScanDone);
                requested = false;
            }
            if (asked || period) {
                deadline = System.nanoTime() + freqNanos;
                asked |= fullScanDue;
            }
            if (host.closed()) {
                return;
            }
            try {
                if (!asked && !names.isEmpty()) {
                    // the daemon's share of a new vassal's start: no whole-directory pass before its spawn
                    boolean conclusive = true;
                    for (Map.Entry<Path, Set<String>> e : names.entrySet()) {
                        conclusive &= lookConclusive(() -> monitor.lookAt(e.getKey(), e.getValue()));
                    }
                    // the full scan (the safety net) at the next period, or at once when the look left doubts
                    fullScanDue = true;
                    if (conclusive) {
                        continue;
                    }
                    asked = true;
                }
                if (!asked && !period) {
                    continue;
                }
                if (periodic.scanNow(asked, host.loopSettled(), host.watched(monitor), monitor.watchesSeeEverything())) {
                    if (look(monitor::scan) != null) {
                        fullScanDone = true;
                        fullScanDue = false;
                    }
                }
            } catch (RuntimeException | Error e) {
                // out of memory or a bug must not end the scans for good: the next round tries again
                finish();
                log.error("[emperor] scan of " + monitor.argument() + " failed: " + e + " (nothing concluded, scanning again in "
                        + freqNanos / 1_000_000L + " ms)");
            }
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    /** A targeted look; true when it listed every vassal-named entry it was asked about. */
    private boolean lookConclusive(java.util.function.Supplier<ScanResult> what) {
        ScanResult r = look(what);
        return r != null && r.ok() && r.lookFailed().isEmpty() && r.skipped().isEmpty();
    }

    /** One look under the bound, its answer handed to the sink unless it came too late (then null). */
    private ScanResult look(java.util.function.Supplier<ScanResult> what) {
        synchronized (this) {
            lookStarted = System.nanoTime() | 1; // never 0
            abandoned = false;
        }
        ScanResult r = host.look(monitor, what);
        if (!finish() || r == null || host.closed()) {
            return null; // a hung look's late answer: the watch thread answered for it, the next look starts afresh
        }
        sink.accept(List.of(r));
        return r;
    }

    /** The look under way is over; false when the watch thread already gave up on it. */
    private synchronized boolean finish() {
        boolean inTime = !abandoned;
        lookStarted = 0;
        abandoned = false;
        return inTime;
    }

    /**
     * Called by the watch thread: the failed look to answer in place of a look that has run past the
     * bound (again every {@code emperor-freq} while it still hangs), or null.
     */
    synchronized ScanResult overdue(long now) {
        if (lookStarted == 0) {
            return null;
        }
        if (!abandoned && now - lookStarted >= boundNanos) {
            abandoned = true;
            nextHangReport = now + freqNanos;
            return ScanResult.failed(monitor.argument(), "scan did not return within " + boundNanos / 1_000_000L
                    + " ms (a hung mount?)");
        }
        if (abandoned && now - nextHangReport >= 0) {
            nextHangReport = now + freqNanos;
            return ScanResult.failed(monitor.argument(), "the previous scan has not returned yet (a hung mount?)");
        }
        return null;
    }

    /** Nanoseconds until {@link #overdue} may answer something, Long.MAX_VALUE when no look is under way. */
    synchronized long nanosUntilDue(long now) {
        if (lookStarted == 0) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, (abandoned ? nextHangReport : lookStarted + boundNanos) - now);
    }
}
