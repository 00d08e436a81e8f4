package dev.emperor.daemon;

import dev.emperor.core.Effects;
import dev.emperor.core.EmperorLoop;
import dev.emperor.source.VassalSource;
import dev.emperor.spawn.SpawnSpec;
import dev.emperor.spawn.Spawner;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * How a vassal is started (uWSGI master {@code uwsgi_emperor_vassal_start}): adopted through the
 * fork server — the global one, or the one named by its {@code emperor-fork-server-attr}
 * attribute — unless it is a base listed in {@code vassal-fork-base}; otherwise spawned plainly.
 */
public final class SpawnOrAdopt implements EmperorLoop.VassalStarter {
    private final Spawner spawner;
    private final String forkServer;
    private final String forkServerAttr;
    private final List<String> bases;
    private final long sessionTimeoutMs;
    private final LongSupplier clock;

    public SpawnOrAdopt(Spawner spawner, String forkServer, String forkServerAttr, List<String> bases,
                        long sessionTimeoutMs, LongSupplier clock) {
        this.spawner = spawner;
        this.forkServer = forkServer;
        this.forkServerAttr = forkServerAttr;
        this.bases = List.copyOf(bases);
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.clock = clock;
    }

    @Override
    public EmperorLoop.Start start(VassalSource source, int onDemandFd) {
        SpawnSpec spec = spawner.spec(source, onDemandFd);
        String socket = forkServerAttr != null && source.attrs().containsKey(forkServerAttr)
                ? source.attrs().get(forkServerAttr) : forkServer;
        if (socket != null && !bases.contains(source.name())) {
            Spawner.Adoption a = spawner.adopt(spec, socket, clock.getAsLong() + sessionTimeoutMs);
            if (a.waitForBase()) {
                return EmperorLoop.Start.of(Effects.SpawnOutcome.waitForBase(socket));
            }
            if (a.session() == null) {
                return EmperorLoop.Start.of(Effects.SpawnOutcome.failed("fork-server session: " + a.error(), false));
            }
            return new EmperorLoop.Start(Effects.SpawnOutcome.adopting(a.pipeFd(), a.configFd()), a.session());
        }
        try {
            Spawner.Spawned s = spawner.spawn(spec);
            return EmperorLoop.Start.of(Effects.SpawnOutcome.started(s.pid(), s.pipeFd(), s.configFd()));
        } catch (Spawner.SpawnFailure e) {
            return EmperorLoop.Start.of(Effects.SpawnOutcome.failed(e.getMessage(), e.exile(), e.errno()));
        }
    }
}
