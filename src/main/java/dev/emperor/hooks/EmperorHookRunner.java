package dev.emperor.hooks;

import dev.emperor.internal.Reaped;
import dev.emperor.internal.SpawnException;
import dev.emperor.internal.SpawnRequest;
import dev.emperor.log.Log;
import dev.emperor.spawn.HelperChildren;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * Runs the hooks uWSGI runs inside the Emperor (docs/hooks.md, "In the Emperor"): each list as one
 * {@link HookScript} child posix_spawned through {@link HelperChildren} (the loop's waitpid(-1) hands
 * its exit over), waited for by one worker thread in the order the events came, killed with its process
 * group after {@link #TIMEOUT_MS}. The loop only queues: it never waits for a hook.
 */
public final class EmperorHookRunner implements AutoCloseable {
    /** uWSGI has no limit (its loop waits); here a hung hook is killed so the next ones still run. */
    public static final long TIMEOUT_MS = 120_000;

    private final HookConfig config;
    private final HelperChildren children;
    private final List<String> env;
    private final Path cwd;
    private final LongSupplier clock;
    private final long timeoutMs;
    private final Log log;
    private final AtomicInteger pending = new AtomicInteger();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "emperor-hooks");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param env   the Emperor's environment ("K=V"), which the hooks see as uWSGI's do
     * @param cwd   where hook-emperor-start runs (the Emperor's directory), and hooks of a vassal without one
     * @param clock monotonic milliseconds
     */
    public EmperorHookRunner(HookConfig config, HelperChildren children, List<String> env, Path cwd, LongSupplier clock,
                             long timeoutMs, Log log) {
        this.config = config;
        this.children = children;
        this.env = List.copyOf(env);
        this.cwd = cwd;
        this.clock = clock;
        this.timeoutMs = timeoutMs;
        this.log = log;
    }

    /**
     * {@code hook-emperor-start}, on the calling thread before the loop runs (uWSGI runs it before its
     * first scan): false when a hook failed, and the Emperor must not start.
     */
    public boolean emperorStart() {
        List<HookStep> steps = config.emperorStartSteps();
        return steps.isEmpty() || run("hook-emperor-start", steps, cwd) == 0;
    }

    /**
     * A vassal was spawned: hook-as-emperor, mount-, umount-, exec-as-emperor, queued. They run in the
     * vassal's directory: uWSGI's Emperor sits in the dir monitor's directory when it spawns.
     */
    public void afterSpawn(String name, Path vassalCwd, int pid, int uid, int gid) {
        if (config.anyAfterSpawn()) {
            submit("as-emperor hooks of " + name, config.afterSpawnSteps(name, pid, uid, gid),
                    vassalCwd == null ? cwd : vassalCwd.toAbsolutePath());
        }
    }

    /** A vassal's process ended: {@code vassals-stop-hook NAME}, queued behind its start hooks. */
    public void vassalEnded(String name, Path vassalCwd) {
        if (config.stopHook() != null) {
            Path dir = vassalCwd == null ? cwd : vassalCwd.toAbsolutePath();
            submit("vassals-stop-hook of " + name, config.stopSteps(name, dir.toString()), dir);
        }
    }

    /**
     * Master's {@code hook-as-on-demand-vassal} ({@code configChanged} false) or
     * {@code hook-as-on-config-vassal} for vassal {@code name}, queued: false when that list is empty.
     * {@code done} gets true when every line succeeded, on this runner's thread; it is not called when
     * the Emperor shuts down before the list ran.
     */
    public boolean onDemand(String name, Path vassalCwd, boolean configChanged, Consumer<Boolean> done) {
        List<HookStep> steps = config.onDemandSteps(name, configChanged);
        if (steps.isEmpty()) {
            return false;
        }
        submit((configChanged ? "hook-as-on-config-vassal" : "hook-as-on-demand-vassal") + " of " + name, steps,
                vassalCwd == null ? cwd : vassalCwd.toAbsolutePath(), status -> done.accept(status == 0));
        return true;
    }

    /** Hook lists queued or running. */
    public boolean busy() {
        return pending.get() > 0;
    }

    private void submit(String what, List<HookStep> steps, Path dir) {
        submit(what, steps, dir, status -> { });
    }

    /** {@code after} gets the list's status (-1: not run, killed, or the runner threw). */
    private void submit(String what, List<HookStep> steps, Path dir, IntConsumer after) {
        pending.incrementAndGet();
        try {
            worker.execute(() -> {
                int status = -1;
                try {
                    status = run(what, steps, dir);
                } catch (RuntimeException e) {
                    log.error("[emperor] " + what + " failed: " + e);
                } finally {
                    tell(what, after, status);
                    pending.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            pending.decrementAndGet();
            log.warn("[emperor] " + what + " not run: the Emperor is shutting down");
        }
    }

    private void tell(String what, IntConsumer after, int status) {
        try {
            after.accept(status);
        } catch (RuntimeException e) {
            log.error("[emperor] " + what + ": its outcome could not be handed to the loop: " + e);
        }
    }

    /** The list's exit status; -1 when it could not start or was killed. */
    int run(String what, List<HookStep> steps, Path dir) {
        List<String> argv = HookScript.wrap(steps, List.of());
        int pid;
        try {
            pid = children.spawn(new SpawnRequest(HookScript.SH, argv, env, dir.toString(), Map.of(), true));
        } catch (SpawnException | RuntimeException e) {
            log.error("[emperor] " + what + ": cannot run " + HookScript.SH + ": " + e.getMessage());
            return -1;
        }
        long deadline = clock.getAsLong() + timeoutMs;
        boolean interrupted = false;
        Reaped r = null;
        try {
            r = children.awaitExit(pid, deadline, clock);
        } catch (InterruptedException e) {
            interrupted = true; // the daemon is going away: kill it rather than leave it behind
        }
        if (r == null) {
            log.error("[emperor] " + what + (interrupted ? " interrupted by the Emperor's exit" : " did not finish within "
                    + timeoutMs + " ms") + ": killed it (pid " + pid + ")");
            children.killAndReap(pid, clock);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }
        if (r == Reaped.NO_CHILDREN) {
            return -1; // reaped by someone else (the Emperor's last sweep of leftover children)
        }
        return r.exited() ? r.exitCode() : -1;
    }

    /** Stops the worker; a hook still running is interrupted, killed and reaped. */
    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
