package dev.emperor.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the launcher added to the daemon's environment for the JVM never reaches a vassal. */
@Timeout(10)
class LauncherAdditionsTest {
    private static List<String> child(Map<String, String> emperorEnv, List<String> env) {
        return new VassalEnvironment(emperorEnv, env, List.of()).forChild(Map.of("UWSGI_EMPEROR_FD", "3"));
    }

    @Test
    void theLaunchersArenaLimitIsNotInherited() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/bin");
        env.put("MALLOC_ARENA_MAX", "1");
        env.put("EMPEROR_LAUNCHER_ADDED", "MALLOC_ARENA_MAX");
        assertEquals(List.of("PATH=/usr/bin", "UWSGI_EMPEROR_FD=3"), child(env, List.of()));
    }

    @Test
    void anOperatorsOwnSettingIsInherited() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/bin");
        env.put("MALLOC_ARENA_MAX", "4");
        assertEquals(List.of("PATH=/usr/bin", "MALLOC_ARENA_MAX=4", "UWSGI_EMPEROR_FD=3"), child(env, List.of()));
    }

    @Test
    void theEmperorsEnvOptionStillSetsItForVassals() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MALLOC_ARENA_MAX", "1");
        env.put("EMPEROR_LAUNCHER_ADDED", "MALLOC_ARENA_MAX");
        assertEquals(List.of("MALLOC_ARENA_MAX=2", "UWSGI_EMPEROR_FD=3"), child(env, List.of("MALLOC_ARENA_MAX=2")));
    }

    @Test
    void severalNamesAndNothingElseAreStripped() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("A", "1");
        env.put("B", "2");
        env.put("C", "3");
        env.put("EMPEROR_LAUNCHER_ADDED", "A B");
        assertEquals(Map.of("C", "3"), LauncherAdditions.strip(env));
        Map<String, String> plain = Map.of("A", "1");
        assertEquals(plain, LauncherAdditions.strip(plain));
    }
}
