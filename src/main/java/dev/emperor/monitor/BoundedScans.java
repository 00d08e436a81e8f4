package dev.emperor.monitor;

import dev.emperor.source.Monitor;
import dev.emperor.source.ScanResult;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Each monitor's scan runs on a worker thread of its own, and its runner waits for it at most a bound
 * (docs/reliability-time.md, "Other faults"): a vassal directory on a hung mount (a stat or readdir
 * that never returns) or a query that never ends yields a failed look for that monitor — its vassals
 * kept as they are. A scan still hanging is not started again, so threads do not pile up; its late
 * answer is dropped and the next scan looks afresh. Each monitor is scanned by one runner thread
 * only ({@link Scanner}), so the per-monitor state needs no more than a concurrent map.
 */
final class BoundedScans implements AutoCloseable {
    private final long boundMs;
    private final Map<Monitor, ExecutorService> workers = new ConcurrentHashMap<>();
    private final Map<Monitor, Future<ScanResult>> hanging = new ConcurrentHashMap<>();

    BoundedScans(long boundMs) {
        this.boundMs = boundMs;
    }

    long boundMs() {
        return boundMs;
    }

    /** One scan of {@code m} under the bound; called by m's runner thread only. */
    ScanResult scan(Monitor m) throws InterruptedException {
        Future<ScanResult> previous = hanging.get(m);
        if (previous != null && !previous.isDone()) {
            return ScanResult.failed(m.argument(), "the previous scan has not returned yet (a hung mount?)");
        }
        hanging.remove(m);
        Future<ScanResult> f = worker(m).submit(m::scan);
        try {
            return f.get(boundMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            hanging.put(m, f);
            return ScanResult.failed(m.argument(), "scan did not return within " + boundMs + " ms (a hung mount?)");
        } catch (ExecutionException e) {
            return ScanResult.failed(m.argument(), String.valueOf(e.getCause()));
        }
    }

    private ExecutorService worker(Monitor m) {
        return workers.computeIfAbsent(m, k -> Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "scan " + k.argument());
            t.setDaemon(true);
            return t;
        }));
    }

    @Override
    public void close() {
        workers.values().forEach(ExecutorService::shutdownNow);
    }
}
