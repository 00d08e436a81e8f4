package dev.emperor.core;

import dev.emperor.internal.FakeNative;
import dev.emperor.internal.SpawnException;
import dev.emperor.internal.SpawnRequest;
import java.util.List;
import java.util.Map;

/** Vassal starters for loop tests that spawn through the fake native facade. */
public final class FakeStarters {
    private FakeStarters() {
    }

    /** Every vassal is a plain spawn of {@code uwsgi --ini NAME} with its pipe on fd 3. */
    public static EmperorLoop.VassalStarter plain(FakeNative nat) {
        return (f, onDemandFd) -> {
            int[] pair = nat.socketpair();
            try {
                int pid = nat.spawn(new SpawnRequest("/usr/bin/uwsgi", List.of("uwsgi", "--ini", f.name()), List.of(),
                        f.cwd().toString(), Map.of(3, pair[1]), true));
                return EmperorLoop.Start.of(Effects.SpawnOutcome.started(pid, pair[0]));
            } catch (SpawnException e) {
                return EmperorLoop.Start.of(Effects.SpawnOutcome.failed(e.getMessage(), false, e.errno()));
            }
        };
    }
}
