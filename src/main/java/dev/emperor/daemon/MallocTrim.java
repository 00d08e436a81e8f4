package dev.emperor.daemon;

import dev.emperor.core.LoopHooks;
import dev.emperor.internal.Native;
import java.util.function.LongSupplier;

/**
 * Gives the C heap's free pages back once a burst of spawns or stops is over (docs/operations.md,
 * "Footprint flags"). Starting a fleet mallocs and frees a few KB per vassal (native buffers, the
 * JIT's arenas), and glibc keeps the freed memory: about 1.7 MB of RSS at 1000 vassals that nothing
 * uses at rest. One {@code malloc_trim(0)} when the count of live vassals has moved by
 * {@link #BURST} since the last one and then held still for {@link #QUIET_MS}: a daemon at rest never
 * trims, a fleet's start or stop trims once. A trim of a few MB takes well under a millisecond.
 */
final class MallocTrim implements LoopHooks {
    static final int BURST = 32;
    static final long QUIET_MS = 5000;

    private final Native nat;
    private final LongSupplier monotonicMs;
    private int governedAtTrim;
    private int lastGoverned;
    private long dueAt = -1;

    MallocTrim(Native nat, LongSupplier monotonicMs) {
        this.nat = nat;
        this.monotonicMs = monotonicMs;
    }

    @Override
    public void iterationDone(int governed) {
        long now = monotonicMs.getAsLong();
        if (governed != lastGoverned) {
            lastGoverned = governed;
            dueAt = Math.abs(governed - governedAtTrim) >= BURST ? now + QUIET_MS : -1;
        } else if (dueAt >= 0 && now >= dueAt) {
            dueAt = -1;
            governedAtTrim = governed;
            nat.releaseFreeMemory();
        }
    }

    @Override
    public long millisUntilDue() {
        return dueAt < 0 ? -1 : Math.max(0, dueAt - monotonicMs.getAsLong());
    }
}
