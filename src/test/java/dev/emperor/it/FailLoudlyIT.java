package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What uWSGI silently runs on is a clear error line here (README "Running it"): a stats address that cannot be
 * bound stops the start with exit 1 before any vassal is spawned; a monitored directory missing at start is an
 * error line naming the option and its line, and the daemon picks the directory up when it appears. Our daemon only.
 */
@Timeout(90)
class FailLoudlyIT {

    @BeforeEach
    void ours() {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "uWSGI runs on without its stats server");
    }

    @Test
    void statsAddressInUseRefusesTheStartBeforeAnySpawn() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = Ports.free();
            try (TempEmperor e = TempEmperor.prepare("stats-taken").statsPort(taken.getLocalPort()).build()) {
                Vassals.python("app1", port).writeTo(e);
                e.launch();
                assertEquals(1, e.awaitExit(Duration.ofSeconds(30)), "exit 1: systemd reports the unit as failed");
                String line = e.awaitLog("emperor-stats = 127\\.0\\.0\\.1:" + taken.getLocalPort() + " \\("
                        + Pattern.quote(e.ini().toString()) + ":\\d+\\): cannot bind the stats server: .*refusing to start",
                        TempEmperor.SHORT);
                assertTrue(line.contains("in use"), line);
                assertFalse(e.logHas("has been spawned|dropping privileges|Starting uWSGI"), "no vassal was started");
                assertTrue(e.seenProcesses().isEmpty(), "no child process at all: " + e.seenProcesses());
            }
        }
    }

    @Test
    void missingMonitoredDirectoryIsAnErrorAndIsPickedUpWhenItAppears() throws Exception {
        int port = Ports.free();
        Path later = Files.createTempDirectory("emperor-it-mount-").resolve("mounted-later");
        try (TempEmperor e = TempEmperor.prepare("dir-later").add("emperor", later.toString()).build()) {
            e.start(); // runs on: the stats serve
            String line = e.awaitLog("\\[emperor\\] emperor = " + Pattern.quote(later.toString()) + " \\("
                    + Pattern.quote(e.ini().toString()) + ":\\d+\\): no such directory .*watching for it", TempEmperor.SHORT);
            assertTrue(e.isRunning(), line);
            Files.createDirectories(later);
            Vassals.python("app1", port).writeTo(later, e.appsDir());
            e.awaitAnswer(port, "app1", TempEmperor.SHORT);
            assertTrue(e.stats().vassal("app1.ini").isPresent());
        } finally {
            TempEmperor.deleteTree(later.getParent());
        }
    }
}
