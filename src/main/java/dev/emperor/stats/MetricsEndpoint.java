package dev.emperor.stats;

import dev.emperor.core.EmperorSnapshot;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: the latest snapshot as Prometheus text ({@link MetricsText}) plus two readings
 * the stats thread takes itself: the daemon's open fds ({@code /proc/self/fd}) and the event-loop lag.
 * The lag is measured without ever waiting for the loop: each scrape posts a probe task stamped with
 * the time and reports how long the previous probe waited before the loop ran it (a probe still
 * waiting counts with its age so far, so a stuck loop shows up). The first scrape reports NaN: no
 * probe at start-up, whose wait would be the daemon's start rather than a lag.
 */
public final class MetricsEndpoint implements HttpHandler {

    private static final long NONE = Long.MIN_VALUE;

    private final Supplier<EmperorSnapshot> snapshots;
    private final Executor loop;
    private final LongSupplier clock;
    private final AtomicLong probePostedAt = new AtomicLong(NONE); // System.nanoTime() of the probe in flight
    private volatile long lastLagNanos = -1;

    /**
     * @param snapshots the published snapshots
     * @param loop      runs a task on the event loop (never blocks); null = no lag measurement
     * @param clock     wall clock, epoch ms (for ages)
     */
    public MetricsEndpoint(Supplier<EmperorSnapshot> snapshots, Executor loop, LongSupplier clock) {
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.loop = loop;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        double lag = lagSeconds();
        probe();
        String text = MetricsText.render(Objects.requireNonNull(snapshots.get(), "no snapshot published"),
                new MetricsText.Readings(clock.getAsLong(), lag, openFds(), ProcessReadings.self()));
        return new HttpResponse(200, MetricsText.CONTENT_TYPE, Map.of(), text.getBytes(StandardCharsets.UTF_8));
    }

    /** The last probe's wait, or the age of the one in flight if that is longer; NaN before any. */
    double lagSeconds() {
        long last = lastLagNanos;
        long postedAt = probePostedAt.get();
        long pending = postedAt == NONE ? -1 : System.nanoTime() - postedAt;
        long lag = Math.max(last, pending);
        return lag < 0 ? Double.NaN : lag / 1e9;
    }

    private void probe() {
        if (loop == null) {
            return;
        }
        long now = System.nanoTime();
        if (!probePostedAt.compareAndSet(NONE, now)) {
            return; // the previous probe has not run yet
        }
        try {
            loop.execute(() -> {
                lastLagNanos = System.nanoTime() - now;
                probePostedAt.set(NONE);
            });
        } catch (RuntimeException e) {
            probePostedAt.set(NONE);
        }
    }

    /** Entries of /proc/self/fd, less the one the listing itself holds open; NaN without /proc. */
    static double openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? Double.NaN : Math.max(0, fds.length - 1);
    }
}
