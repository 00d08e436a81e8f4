package dev.emperor.core;

import dev.emperor.internal.Reaped;
import dev.emperor.spawn.HelperChildren;
import java.util.Map;

/**
 * Takes every exited child with waitpid(-1), every loop iteration and before any deadline is judged
 * (docs/reliability-time.md): a vassal master's exit goes to the table, a helper's to whoever waits
 * for it ({@link HelperChildren}), any other pid to the adoption bookkeeping (an adopted vassal whose
 * pid reply is still on its way). Loop thread only.
 */
final class Reaper {
    private final HelperChildren helpers;
    private final Map<String, Vassal> table;
    private final Map<Integer, Vassal> byPid;
    private final Adoptions adoptions;
    private final Lifecycle lifecycle;
    private final LoopGuard guard;
    private final EmperorLog log;
    private final LoopClock clocks;
    private final Runnable rescan;
    private final LoopHooks hooks;

    Reaper(HelperChildren helpers, Map<String, Vassal> table, Map<Integer, Vassal> byPid, Adoptions adoptions,
           Lifecycle lifecycle, LoopGuard guard, EmperorLog log, LoopClock clocks, Runnable rescan, LoopHooks hooks) {
        this.helpers = helpers;
        this.table = table;
        this.byPid = byPid;
        this.adoptions = adoptions;
        this.lifecycle = lifecycle;
        this.guard = guard;
        this.log = log;
        this.clocks = clocks;
        this.rescan = rescan;
        this.hooks = hooks;
    }

    void reap() {
        while (true) {
            Reaped r = helpers.reapAny();
            if (r.pid() <= 0) {
                return;
            }
            Vassal v = byPid.remove(r.pid());
            if (v == null) {
                adoptions.unclaimedExit(r);
                log.debug("[emperor] reaped pid " + r.pid() + " (" + SpawnRows.describe(r) + "), not a known vassal master");
                continue;
            }
            long at = clocks.monotonicMs();
            if (!guard.run("handling the exit of pid " + r.pid(), v, at, () -> lifecycle.reaped(v, r, at))) {
                // that exit is not reported twice: unless the transition got far enough, the table settles it
                guard.run("settling the exit of pid " + r.pid(), v, at, () -> {
                    if (v.pid == r.pid() && table.get(v.name) == v) {
                        lifecycle.reapFailed(v, at);
                    }
                });
            }
            if (v.state != VassalState.RUNNING) {
                rescan.run(); // uWSGI rescans at once after a death
            }
            // a failing hook is the hook's failure, never the vassal's: no vassal passed to the guard
            guard.run("announcing the end of " + v.name + " (pid " + r.pid() + ") to the hooks", null, at,
                    () -> hooks.vassalEnded(v.name, v.file == null ? null : v.file.cwd()));
        }
    }
}
