package dev.emperor.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Emperor hooks inherit the Emperor's environment, without what the launcher added for the JVM. */
@Timeout(10)
class HookEnvironmentTest {
    @Test
    void theLaunchersAdditionsAreStrippedAndEnvStillApplies() {
        Map<String, String> environ = new LinkedHashMap<>();
        environ.put("PATH", "/usr/bin");
        environ.put("MALLOC_ARENA_MAX", "1");
        environ.put("EMPEROR_LAUNCHER_ADDED", "MALLOC_ARENA_MAX");
        assertEquals(List.of("PATH=/usr/bin", "X=1"), HookEvents.emperorEnvironment(environ, List.of("X=1"), List.of()));
    }
}
