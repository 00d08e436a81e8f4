package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The launcher gives the daemon one glibc malloc arena (docs/operations.md, "Footprint flags") only
 * when the operator set no limit, and the vassals never inherit it: their environment is the one
 * the operator gave the Emperor, as under uWSGI.
 */
@Timeout(120)
class LauncherMallocEnvIT {
    @BeforeEach
    void onlyOurs() {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "the launcher is this daemon's");
    }

    private static List<String> environ(long pid) throws IOException {
        return List.of(new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8).split("\0"));
    }

    @Test
    void theDaemonGetsOneArenaAndItsVassalsDoNot() throws Exception {
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("launcher-arena").viaLauncher()
                .env("MALLOC_ARENA_MAX", null).env("GLIBC_TUNABLES", null).env("EMPEROR_LAUNCHER_ADDED", null).build()) {
            Vassals.python("arena", port).writeTo(e);
            e.start();
            e.awaitAnswer(port, "arena", TempEmperor.SHORT);
            long vassal = e.awaitVassal("arena.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();
            List<String> daemon = environ(e.pid());
            assertTrue(daemon.contains("MALLOC_ARENA_MAX=1"), "daemon environment: " + daemon);
            assertTrue(daemon.contains("EMPEROR_LAUNCHER_ADDED=MALLOC_ARENA_MAX"), "daemon environment: " + daemon);
            List<String> child = environ(vassal);
            assertFalse(child.stream().anyMatch(v -> v.startsWith("MALLOC_ARENA_MAX=") || v.startsWith("EMPEROR_LAUNCHER_ADDED=")),
                    "vassal environment: " + child);
            assertTrue(child.stream().anyMatch(v -> v.startsWith("PATH=")), "vassal environment: " + child);
        }
    }

    @Test
    void anOperatorsLimitIsLeftAloneAndInherited() throws Exception {
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("launcher-arena-operator").viaLauncher()
                .env("MALLOC_ARENA_MAX", "4").env("GLIBC_TUNABLES", null).env("EMPEROR_LAUNCHER_ADDED", null).build()) {
            Vassals.python("arenaop", port).writeTo(e);
            e.start();
            e.awaitAnswer(port, "arenaop", TempEmperor.SHORT);
            long vassal = e.awaitVassal("arenaop.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();
            List<String> daemon = environ(e.pid());
            assertTrue(daemon.contains("MALLOC_ARENA_MAX=4"), "daemon environment: " + daemon);
            assertFalse(daemon.stream().anyMatch(v -> v.startsWith("EMPEROR_LAUNCHER_ADDED=")), "daemon environment: " + daemon);
            assertTrue(environ(vassal).contains("MALLOC_ARENA_MAX=4"), "vassal environment: " + environ(vassal));
        }
    }
}
