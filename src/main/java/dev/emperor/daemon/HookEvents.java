package dev.emperor.daemon;

import dev.emperor.core.Effects;
import dev.emperor.core.EmperorLoop;
import dev.emperor.core.LoopHooks;
import dev.emperor.hooks.EmperorHookRunner;
import dev.emperor.source.VassalSource;
import dev.emperor.spawn.LauncherAdditions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the loop's events meet the Emperor-side hooks (docs/hooks.md, "In the Emperor"): a spawned
 * vassal queues the as-emperor hooks, a reaped one its {@code vassals-stop-hook}, an on-demand one
 * going to sleep (or changed while asleep) master's on-demand hooks. Both calls only
 * queue work for {@link EmperorHookRunner}'s thread; Ragnarok waits for that work while it is busy.
 */
final class HookEvents implements LoopHooks, EmperorLoop.VassalStarter {
    /** How often the loop looks again while hooks run during Ragnarok (it is not woken when they end). */
    private static final long BUSY_POLL_MS = 100;

    private final EmperorLoop.VassalStarter starter;
    private final EmperorHookRunner runner;
    private volatile boolean stopping;

    HookEvents(EmperorLoop.VassalStarter starter, EmperorHookRunner runner) {
        this.starter = starter;
        this.runner = runner;
    }

    @Override
    public EmperorLoop.Start start(VassalSource source, int onDemandFd) {
        EmperorLoop.Start start = starter.start(source, onDemandFd);
        Effects.SpawnOutcome o = start.outcome();
        if (o.ok() && o.kind() == Effects.SpawnOutcome.Kind.STARTED && o.pid() > 0) {
            runner.afterSpawn(source.name(), source.cwd(), o.pid(), source.uid(), source.gid());
        }
        return start;
    }

    @Override
    public void vassalEnded(String name, Path cwd) {
        runner.vassalEnded(name, cwd);
    }

    @Override
    public boolean onDemandHook(String name, Path cwd, boolean configChanged, java.util.function.Consumer<Boolean> done) {
        return runner.onDemand(name, cwd, configChanged, done);
    }

    @Override
    public boolean busy() {
        return runner.busy();
    }

    @Override
    public void stopping() {
        stopping = true;
    }

    /**
     * Only Ragnarok waits for hooks; otherwise the loop has no reason to look at them. During Ragnarok
     * the loop looks every BUSY_POLL_MS whether or not a hook runs right now: the last hook may end
     * between Ragnarok's look at {@code busy()} and this one, and the loop, never woken by its end,
     * would then sleep until reload-mercy.
     */
    @Override
    public long millisUntilDue() {
        return stopping ? BUSY_POLL_MS : -1;
    }

    /**
     * The Emperor's own environment (without the launcher's additions) after {@code env}/{@code unenv},
     * as uWSGI's hooks inherit it.
     */
    static List<String> emperorEnvironment(Map<String, String> environ, List<String> env, List<String> unenv) {
        Map<String, String> m = new LinkedHashMap<>(LauncherAdditions.strip(environ));
        for (String kv : env) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                m.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        unenv.forEach(m::remove);
        List<String> out = new ArrayList<>(m.size());
        m.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }
}
