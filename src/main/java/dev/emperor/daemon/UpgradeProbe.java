package dev.emperor.daemon;

import dev.emperor.internal.Reaped;
import dev.emperor.internal.SpawnException;
import dev.emperor.internal.SpawnRequest;
import dev.emperor.spawn.HelperChildren;
import dev.emperor.upgrade.ExecTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Before an in-place upgrade execs, the program it would exec has to start: a Java runtime that is
 * missing or broken, or a jar that does not load, would otherwise end this process and with it every
 * vassal's Emperor (docs/upgrade.md, "Order of events"). The same program with {@code --version}, a
 * helper child of this process (the loop's waitpid hands its exit over, spawn/HelperChildren), run off
 * the loop with a time limit.
 */
final class UpgradeProbe {
    static final long TIMEOUT_MS = 60_000;

    private UpgradeProbe() {
    }

    /** Null when {@code target --version} exits 0 within the limit, else why not. Blocks: never on the loop. */
    static String check(HelperChildren helpers, ExecTarget target, Map<String, String> env, String cwd,
                        LongSupplier clock, long timeoutMs) {
        ExecTarget probe = target == null ? null : target.probe();
        if (probe == null) {
            return null; // nothing to ask without the daemon's arguments: the exec itself is the test
        }
        List<String> envp = new ArrayList<>(env.size());
        env.forEach((k, v) -> envp.add(k + "=" + v));
        int pid;
        try {
            pid = helpers.spawn(new SpawnRequest(probe.path(), probe.argv(), envp, cwd, Map.of(), true));
        } catch (SpawnException | RuntimeException e) {
            return "cannot run " + String.join(" ", probe.argv()) + ": " + e.getMessage();
        }
        Reaped r;
        try {
            r = helpers.awaitExit(pid, clock.getAsLong() + timeoutMs, clock);
        } catch (InterruptedException e) {
            helpers.killAndReap(pid, clock);
            Thread.currentThread().interrupt();
            return "interrupted while " + String.join(" ", probe.argv()) + " ran";
        }
        if (r == null) {
            helpers.killAndReap(pid, clock);
            return String.join(" ", probe.argv()) + " did not finish within " + timeoutMs + " ms";
        }
        if (r.pid() <= 0 || !r.exited() || r.exitCode() != 0) {
            return String.join(" ", probe.argv()) + " failed (" + r + ")";
        }
        return null;
    }
}
