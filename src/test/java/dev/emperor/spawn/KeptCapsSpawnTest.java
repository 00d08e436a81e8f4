package dev.emperor.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.FakeNative;
import dev.emperor.source.VassalSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A non-root Emperor's kept capabilities (docs/capabilities.md) are ambient only while a vassal is
 * spawned, and the trampoline's setpriv clears them; zergs get UWSGI_BROODLORD_NUM.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KeptCapsSpawnTest {
    static Spawner spawner(FakeNative nat, Trampoline t) {
        return new Spawner(nat, new ArgvBuilder(List.of(), List.of(), List.of(), List.of(), List.of(), List.of()),
                new BinaryResolver(List.of(), null, "/bin/true", List.of()),
                new VassalEnvironment(Map.of("PATH", "/usr/bin:/bin"), List.of(), List.of()), List.of(), t);
    }

    static VassalSource file(String name) {
        return new VassalSource(name, Path.of("/v/a.ini"), Path.of("/v"), 1, 1000, 1000, "/v", Map.of(), null, null);
    }

    @Test
    void ambientCapsAreRaisedAroundTheSpawnOnlyAndClearedBySetpriv() throws Exception {
        FakeNative nat = new FakeNative();
        Trampoline t = new Trampoline("/usr/bin/setpriv", null, true, false, List.of(), List.of()).passingCaps(0xc0);
        spawner(nat, t).spawn(SpawnSpec.of(file("a.ini"), -1, null));
        List<String> around = nat.calls.stream().filter(c -> c.startsWith("ambient") || c.startsWith("spawn")).toList();
        assertEquals("ambient c0", around.get(0), nat.calls.toString());
        assertTrue(around.get(1).startsWith("spawn "), nat.calls.toString());
        assertEquals("ambient 0", around.get(2), nat.calls.toString());
        assertEquals(3, around.size(), nat.calls.toString());
        List<String> argv = nat.spawns.get(0).argv();
        assertEquals(List.of("/usr/bin/setpriv", "--regid", "1000", "--reuid", "1000", "--clear-groups", "--inh-caps", "-all",
                "--ambient-caps", "-all", "--pdeathsig", "KILL", "--"), argv.subList(0, 13));
    }

    @Test
    void withoutKeptCapsNothingIsRaised() throws Exception {
        FakeNative nat = new FakeNative();
        spawner(nat, new Trampoline("/usr/bin/setpriv", null, false, false, List.of(), List.of())).spawn(SpawnSpec.of(file("a.ini"), -1, null));
        assertTrue(nat.calls.stream().noneMatch(c -> c.startsWith("ambient")), nat.calls.toString());
        assertTrue(!nat.spawns.get(0).argv().contains("--ambient-caps"));
    }

    @Test
    void zergsCountTheirStartsInUwsgiBroodlordNum() throws Exception {
        FakeNative nat = new FakeNative();
        Spawner s = spawner(nat, new Trampoline(null, null, false, false, List.of(), List.of()));
        s.spawn(SpawnSpec.of(file("a.ini"), -1, null));
        s.spawn(SpawnSpec.of(file("a.ini:zerg"), -1, null));
        s.spawn(SpawnSpec.of(file("a.ini:zerg"), -1, null));
        assertTrue(nat.spawns.get(0).env().stream().noneMatch(e -> e.startsWith("UWSGI_BROODLORD_NUM=")));
        assertTrue(nat.spawns.get(1).env().contains("UWSGI_BROODLORD_NUM=1"), nat.spawns.get(1).env().toString());
        assertTrue(nat.spawns.get(2).env().contains("UWSGI_BROODLORD_NUM=2"));
        assertEquals(List.of("/bin/true", "--ini", "a.ini:zerg"), nat.spawns.get(1).argv());
    }
}
