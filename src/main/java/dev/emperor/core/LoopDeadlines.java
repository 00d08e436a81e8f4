package dev.emperor.core;

import java.util.Map;

/**
 * When the loop must wake up next (docs/lifecycle.md, "Timers"): the nearest of every vassal's
 * deadline, the shutdown's, the resource retry's, the fork-server sessions' and the watchdog ping's.
 * A failure to compute it is logged and answered with a wake-up a second later. Loop thread only.
 */
final class LoopDeadlines {
    private final Map<String, Vassal> table;
    private final Lifecycle lifecycle;
    private final Ragnarok ragnarok;
    private final ResourceTrouble trouble;
    private final Adoptions adoptions;
    private final LoopClock clocks;
    private final LoopHooks hooks;
    private final LoopGuard guard;

    LoopDeadlines(Map<String, Vassal> table, Lifecycle lifecycle, Ragnarok ragnarok, ResourceTrouble trouble,
                  Adoptions adoptions, LoopClock clocks, LoopHooks hooks, LoopGuard guard) {
        this.table = table;
        this.lifecycle = lifecycle;
        this.ragnarok = ragnarok;
        this.trouble = trouble;
        this.adoptions = adoptions;
        this.clocks = clocks;
        this.hooks = hooks;
        this.guard = guard;
    }

    /** The epoll timeout from {@code start}: -1 for none, 0 when a task is already waiting. */
    long timeout(long start, boolean taskWaiting) {
        long deadline;
        try {
            deadline = next();
        } catch (RuntimeException e) {
            guard.failed("computing the next deadline", null, start, e);
            deadline = start + LoopGuard.RETRY_MS;
        }
        // a task whose wake-up a drain poll consumed must not wait for the next deadline
        long timeout = taskWaiting ? 0 : deadline == Long.MAX_VALUE ? -1 : Math.max(0, deadline - start);
        long hooksDue = hooks.millisUntilDue();
        if (hooksDue >= 0 && (timeout < 0 || hooksDue < timeout)) {
            timeout = hooksDue; // the watchdog ping is one of the loop's own deadlines
        }
        return timeout;
    }

    /** Something is due at {@code now} (then the loop drains pending news before judging it). */
    boolean due(long now) {
        try {
            return next() <= now;
        } catch (RuntimeException e) {
            guard.failed("computing the next deadline", null, now, e);
            return true;
        }
    }

    private long next() {
        long d = ragnarok.deadline();
        for (Vassal v : table.values()) {
            d = Math.min(d, lifecycle.nextDeadline(v));
        }
        d = Math.min(d, trouble.rescanDeadline());
        return Math.min(d, adoptions.nextDeadline(clocks.monotonicMs(), table.values()));
    }
}
