package dev.emperor.regression;

import dev.emperor.core.EmperorLog;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emperor.internal.JnrNative;
import dev.emperor.monitor.OnDemandDiscovery;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalSource;
import dev.emperor.spawn.HelperChildren;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * uWSGI BUG (imperial-monitors §6): {@code emperor_check_on_demand_socket} cuts the socket name at
 * the first byte below 32 comparing plain (signed) chars, so every byte &ge; 0x80 also ends it and a
 * UTF-8 path such as {@code /run/café/app.sock} becomes {@code /run/caf}. Here only control bytes
 * (0..31) end the name, for the sidecar file and for the exec helper's output alike.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class OnDemandSocketNameSignedCharBugTest {
    static final String NAME = "/run/caf\u00e9/\u00fcber.sock";

    @TempDir
    Path dir;

    private String lookup(OnDemandDiscovery d) {
        VassalSource f = new VassalSource("app.ini", dir.resolve("app.ini"), dir, 1, 0, 0, dir.toString());
        return d.annotate(List.of(new ScanResult(dir.toString(), true, null, List.of(f), List.of()))).get(0)
                .vassals().get(0).onDemandSocket();
    }

    @Test
    void sidecarKeepsUtf8() throws Exception {
        Files.write(dir.resolve("app.ini.socket"), (NAME + "\n").getBytes(StandardCharsets.UTF_8));
        JnrNative nat = JnrNative.load();
        assertEquals(NAME, lookup(OnDemandDiscovery.of(".socket", null, null, nat, new HelperChildren(nat), List.of(), 1000,
                System::currentTimeMillis, EmperorLog.standard())));
    }

    @Test
    void execOutputKeepsUtf8() {
        JnrNative nat = JnrNative.load();
        // printf's format is the argv word (no shell): octal escapes write the UTF-8 bytes of é and ü
        OnDemandDiscovery d = OnDemandDiscovery.of(null, null, "printf /run/caf\\303\\251/\\303\\274ber.sock\\n", nat,
                new HelperChildren(nat), List.of("PATH=/usr/bin:/bin"), 5000, System::currentTimeMillis, EmperorLog.standard());
        assertEquals(NAME, lookup(d));
    }
}
