package dev.emperor.monitor;

import dev.emperor.source.Monitor;
import dev.emperor.source.ScanResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Each monitor scans on its own thread, and a round waits for it at most a bound
 * (docs/reliability-time.md, "Other faults"): a vassal directory on a hung mount (a stat or readdir
 * that never returns) yields a failed look for that monitor — its vassals kept as they are — while
 * the other monitors go on being scanned. A scan still hanging is not started again, so threads do
 * not pile up; its late answer is dropped and the next round looks afresh. Scanner thread only.
 */
final class BoundedScans implements AutoCloseable {
    private final long boundMs;
    private final Map<Monitor, ExecutorService> workers = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Monitor, Future<ScanResult>> hanging = new HashMap<>();

    BoundedScans(long boundMs) {
        this.boundMs = boundMs;
    }

    List<ScanResult> scanAll(List<Monitor> monitors) throws InterruptedException {
        List<Future<ScanResult>> started = new ArrayList<>(monitors.size());
        for (Monitor m : monitors) {
            Future<ScanResult> previous = hanging.get(m);
            if (previous != null && !previous.isDone()) {
                started.add(null);
                continue;
            }
            hanging.remove(m);
            started.add(worker(m).submit(m::scan));
        }
        long deadline = System.nanoTime() + boundMs * 1_000_000L;
        List<ScanResult> results = new ArrayList<>(monitors.size());
        for (int i = 0; i < monitors.size(); i++) {
            Monitor m = monitors.get(i);
            Future<ScanResult> f = started.get(i);
            if (f == null) {
                results.add(ScanResult.failed(m.argument(), "the previous scan has not returned yet (a hung mount?)"));
                continue;
            }
            try {
                results.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                hanging.put(m, f);
                results.add(ScanResult.failed(m.argument(), "scan did not return within " + boundMs + " ms (a hung mount?)"));
            } catch (ExecutionException e) {
                results.add(ScanResult.failed(m.argument(), String.valueOf(e.getCause())));
            }
        }
        return results;
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
