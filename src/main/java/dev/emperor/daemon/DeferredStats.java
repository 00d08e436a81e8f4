package dev.emperor.daemon;

import dev.emperor.internal.Native;
import dev.emperor.log.Log;
import dev.emperor.stats.StatsServer;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The stats server's second half. Its address is bound before the first scan (an address in use
 * still refuses the start before anything is spawned), but its routes (HTTP control, metrics, the
 * UI: mostly class loading) are built and serving starts only once the first scan has been applied,
 * i.e. its spawns issued, on a thread of its own: they are not on the path to the first spawn
 * (docs/operations.md, "Start-up trace"). Clients that connect meanwhile wait in the listen backlog.
 * A first scan that is slow to come (a database monitor) does not keep the stats away longer than
 * {@link #MAX_WAIT_MS}.
 */
final class DeferredStats {
    static final long MAX_WAIT_MS = 1000;

    private final CountDownLatch firstScan = new CountDownLatch(1);

    /**
     * Starts the thread that waits for {@link #firstScanApplied}, then runs {@code routes} and
     * serves; a failure there is logged and leaves the daemon running without stats (the address
     * stays bound: uWSGI, too, runs on when its stats server fails).
     */
    DeferredStats(StatsServer server, Runnable routes, Native nat, Executor loop, Log log) {
        Thread t = new Thread(() -> {
            try {
                firstScan.await(MAX_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            try {
                routes.run();
                server.start();
                // the selector's fds, as Daemon does for everything opened before the loop; on the loop, between
                // two spawns: never while a spawn has an fd it hands down without close-on-exec
                loop.execute(nat::markAllCloseOnExec);
            } catch (IllegalStateException e) {
                // closed before it served: the daemon is stopping
            } catch (IOException | RuntimeException e) {
                log.error("[emperor] the stats server cannot serve: " + e.getMessage());
            }
        }, "stats-setup");
        t.setDaemon(true);
        t.start();
    }

    /** Called on the loop once the first scan's spawns are issued (and when the daemon stops). */
    void firstScanApplied() {
        firstScan.countDown();
    }
}
