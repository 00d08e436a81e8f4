package dev.emperor.regression;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emperor.monitor.DirMonitor;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * uWSGI BUG (lifecycle §14): several dir monitors share one process cwd, so a vassal of dir A
 * respawned outside A's scan ran in dir B with a relative {@code --ini oda.ini}. Each vassal must
 * carry its own monitor's directory as cwd, whatever was scanned last.
 */
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class SharedCwdOfDirMonitorsBugTest {

    @Test
    void eachVassalKeepsItsOwnDirectory(@TempDir Path tmp) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.writeString(a.resolve("oda.ini"), "[uwsgi]\n");
        Files.writeString(b.resolve("odb.ini"), "[uwsgi]\n");
        VassalNames names = new VassalNames(List.of());
        ScanResult ra = new DirMonitor(a, names, false, java.util.List.of(), null).scan();
        ScanResult rb = new DirMonitor(b, names, false, java.util.List.of(), null).scan();
        assertEquals(a.toRealPath(), ra.vassals().get(0).cwd());
        assertEquals(b.toRealPath(), rb.vassals().get(0).cwd());
        assertEquals("oda.ini", ra.vassals().get(0).name());
    }
}
