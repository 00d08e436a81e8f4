package dev.emperor.daemon;

import dev.emperor.core.LoopHooks;
import java.util.function.LongSupplier;

/**
 * Gives memory back once a burst of spawns or stops is over (docs/operations.md, "Footprint flags"
 * and "Start-up pages"). Starting a fleet mallocs and frees a few KB per vassal, and the start-up
 * ran code and read class metadata that the daemon at rest never touches again: both stay resident
 * unless given back. {@code release} runs when the count of live vassals has moved by {@link #BURST}
 * since the last release and then held still for {@link #QUIET_MS}: a daemon at rest never
 * releases, a fleet's start or stop releases once. The daemon's own start counts as a burst
 * whatever the fleet's size: its start-up pages are as many with 5 vassals as with 500. It is handed off at once ({@link MemoryRelease}
 * works on a thread of its own), so the loop does not wait for it.
 */
final class ReleaseAfterBurst implements LoopHooks {
    static final int BURST = 32;
    static final long QUIET_MS = 5000;

    private final Runnable release;
    private final LongSupplier monotonicMs;
    private int governedAtRelease = -BURST; // never released: the start is a burst
    private int lastGoverned = -1;
    private long dueAt = -1;

    ReleaseAfterBurst(Runnable release, LongSupplier monotonicMs) {
        this.release = release;
        this.monotonicMs = monotonicMs;
    }

    @Override
    public void iterationDone(int governed) {
        long now = monotonicMs.getAsLong();
        if (governed != lastGoverned) {
            lastGoverned = governed;
            dueAt = Math.abs(governed - governedAtRelease) >= BURST ? now + QUIET_MS : -1;
        } else if (dueAt >= 0 && now >= dueAt) {
            dueAt = -1;
            governedAtRelease = governed;
            release.run();
        }
    }

    @Override
    public long millisUntilDue() {
        return dueAt < 0 ? -1 : Math.max(0, dueAt - monotonicMs.getAsLong());
    }
}
