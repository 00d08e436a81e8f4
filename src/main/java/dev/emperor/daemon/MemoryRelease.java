package dev.emperor.daemon;

import dev.emperor.internal.Native;
import dev.emperor.log.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * What the daemon gives back once a burst is over ({@link ReleaseAfterBurst}; docs/operations.md,
 * "Footprint flags" and "Start-up pages"): the C heap's free pages ({@code malloc_trim}), then the
 * pages of its read-only file mappings ({@code MADV_PAGEOUT}): libjvm's code and the class-data
 * archives' metadata that the start-up ran or read once. The kernel reclaims only the pages no other
 * process maps; what the daemon at rest still uses comes back on its next touch, from the page
 * cache. A few ms of system calls, so it runs on a short-lived thread of its own, never on the loop,
 * one at a time. A kernel without MADV_PAGEOUT (before 5.4) answers EINVAL: from then on only the
 * malloc_trim is done. Nothing here can stop a vassal or the daemon: a failure is logged at debug.
 */
final class MemoryRelease implements Runnable {
    private final Native nat;
    private final Supplier<List<String>> maps;
    private final Log log;
    private final ThreadFactory threads;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean pageOutWorks = true;

    MemoryRelease(Native nat, Log log) {
        this(nat, MemoryRelease::ownMaps, log, work -> new Thread(work, "memory-release"));
    }

    MemoryRelease(Native nat, Supplier<List<String>> maps, Log log, ThreadFactory threads) {
        this.nat = nat;
        this.maps = maps;
        this.log = log;
        this.threads = threads;
    }

    private static List<String> ownMaps() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps"));
        } catch (IOException e) {
            throw new IllegalStateException("/proc/self/maps: " + e.getMessage(), e);
        }
    }

    /** Hands the work to a thread of its own, unless the previous release is still at it. */
    @Override
    public void run() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        try {
            Thread t = threads.newThread(() -> {
                try {
                    releaseNow();
                } finally {
                    running.set(false);
                }
            });
            t.setDaemon(true);
            t.start();
        } catch (RuntimeException | OutOfMemoryError e) {
            // no thread to be had (a thread or memory limit): skip this release, try after the next burst
            running.set(false);
            log.debug("[emperor] memory release skipped: " + e);
        }
    }

    /** The work itself, on the calling thread. */
    void releaseNow() {
        try {
            nat.releaseFreeMemory();
            if (!pageOutWorks) {
                return;
            }
            long advised = 0;
            boolean refused = false;
            for (ReadOnlyFileMappings.Range r : ReadOnlyFileMappings.of(maps.get())) {
                int rc = nat.pageOut(r.start(), r.length());
                if (rc == 0) {
                    advised += r.length();
                } else {
                    refused |= rc == -Native.EINVAL;
                }
            }
            if (advised == 0 && refused) {
                pageOutWorks = false; // the kernel has no MADV_PAGEOUT (a locked range alone refuses too)
                log.debug("[emperor] this kernel cannot page out (madvise MADV_PAGEOUT: EINVAL): only malloc_trim from now on");
                return;
            }
            log.debug("[emperor] memory released: malloc_trim, and " + (advised >> 10) + " KB of read-only file mappings advised out");
        } catch (RuntimeException e) {
            log.debug("[emperor] memory release failed: " + e);
        }
    }
}
