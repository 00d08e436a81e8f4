package dev.emperor.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.monitor.DirMonitor;
import dev.emperor.monitor.GlobMonitor;
import dev.emperor.source.Monitor;
import dev.emperor.source.MonitorContext;
import dev.emperor.source.MonitorKinds;
import dev.emperor.source.VassalNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The daemon builds every monitor through the one registry of kinds, with a factory for each available kind. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MonitorsTest {
    @TempDir
    Path base;

    MonitorContext context() {
        return new MonitorContext(base, new VassalNames(List.of()), false, List.of(), null, null);
    }

    @Test
    void everyAvailableKindHasItsFactoryAndListedKindsMatchTheDeclaration() {
        MonitorKinds kinds = Monitors.kinds(); // complete(): throws if an available kind has no factory
        assertEquals(MonitorKinds.declared().listed(), kinds.listed());
    }

    @Test
    void dirGlobAndPlainPathsAsUwsgiARefusedKindIsFatal() throws Exception {
        Files.createDirectory(base.resolve("vassals"));
        List<Monitor> built = Monitors.build(List.of("vassals", "dir://vassals", "glob://vassals/*.ini", "apps/*.ini"), context());
        assertInstanceOf(DirMonitor.class, built.get(0));
        assertInstanceOf(DirMonitor.class, built.get(1));
        assertInstanceOf(GlobMonitor.class, built.get(2));
        assertInstanceOf(GlobMonitor.class, built.get(3));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Monitors.build(List.of("dir://nowhere"), context()));
        assertTrue(missing.getMessage().startsWith("chdir(): No such file or directory"), missing.getMessage());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Monitors.build(List.of("amqp://localhost"), context()));
        assertTrue(refused.getMessage().startsWith("imperial monitor 'amqp://' is not supported yet"), refused.getMessage());
    }
}
