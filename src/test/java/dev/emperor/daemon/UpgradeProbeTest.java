package dev.emperor.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.JnrNative;
import dev.emperor.internal.Native;
import dev.emperor.spawn.HelperChildren;
import dev.emperor.upgrade.ExecTarget;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The program an in-place upgrade would exec must start first (docs/upgrade.md, "Order of events"). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UpgradeProbeTest {
    static long now() {
        return System.nanoTime() / 1_000_000;
    }

    @Test
    void theLauncherIsAskedForItsVersionAndTheJavaCommandLineKeepsItsJar() {
        assertEquals(List.of("/usr/bin/emperor", "--version"),
                new ExecTarget("/usr/bin/emperor", List.of("/usr/bin/emperor", "--ini", "/etc/emperor/emperor.ini")).probe().argv());
        assertEquals(List.of("/usr/bin/java", "-Xss512k", "-jar", "/x/emperor.jar", "--version"),
                new ExecTarget("/usr/bin/java", List.of("/usr/bin/java", "-Xss512k", "-jar", "/x/emperor.jar", "--ini", "e.ini"))
                        .probe().argv());
    }

    @Test
    void aProgramThatFailsOrCannotRunRefusesTheExec() {
        Native nat = JnrNative.load();
        HelperChildren helpers = new HelperChildren(nat);
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin");
        assertNull(UpgradeProbe.check(helpers, new ExecTarget("/bin/true", List.of("/bin/true")), env, "/", UpgradeProbeTest::now, 10_000));
        String failed = UpgradeProbe.check(helpers, new ExecTarget("/bin/false", List.of("/bin/false")), env, "/",
                UpgradeProbeTest::now, 10_000);
        assertNotNull(failed);
        assertTrue(failed.startsWith("/bin/false --version failed"), failed);
        String missing = UpgradeProbe.check(helpers, new ExecTarget("/nonexistent/emperor", List.of("/nonexistent/emperor")),
                env, "/", UpgradeProbeTest::now, 10_000);
        assertNotNull(missing, "a launcher that is gone");
        assertEquals(0, helpers.pending(), "every probe child reaped");
    }

    @Test
    void aProgramThatHangsIsKilledAtTheLimit(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path hangs = tmp.resolve("hangs");
        java.nio.file.Files.writeString(hangs, "#!/bin/sh\nexec sleep 60\n");
        hangs.toFile().setExecutable(true);
        HelperChildren helpers = new HelperChildren(JnrNative.load());
        long t0 = now();
        String slow = UpgradeProbe.check(helpers, new ExecTarget(hangs.toString(), List.of(hangs.toString())),
                Map.of("PATH", "/usr/bin:/bin"), "/", UpgradeProbeTest::now, 1_000);
        assertNotNull(slow);
        assertTrue(slow.contains("did not finish within"), slow);
        assertTrue(now() - t0 < 20_000, "gave up at the limit");
        assertEquals(0, helpers.pending(), "the hanging probe killed and reaped");
    }
}
