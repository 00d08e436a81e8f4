package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code daemonize = FILE}: the process started by the operator exits 0 at once, the daemon goes on
 * in its own session with its output (and its vassals') appended to FILE, and stops on SIGTERM.
 */
@Timeout(60)
class DaemonizeIT {

    @Test
    void detachesLogsToTheFileAndStopsOnTerm(@TempDir Path root) throws Exception {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "checks this daemon's re-exec daemonize");
        int port = Ports.free();
        Path vassals = Files.createDirectories(root.resolve("vassals"));
        Path apps = Files.createDirectories(root.resolve("apps"));
        Vassals.python("app", port).writeTo(vassals, apps);
        Path log = root.resolve("daemon.log");
        Path pidfile = root.resolve("emperor.pid");
        Files.writeString(root.resolve("emperor.ini"), "[uwsgi]\nemperor = " + vassals + "\ndaemonize = " + log
                + "\nemperor-pidfile = " + pidfile + "\n");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
                Path.of(Impl.setting("emperor.jar", "EMPEROR_JAR", "target/emperor.jar")).toAbsolutePath().toString(),
                "--ini", root.resolve("emperor.ini").toString()));
        Process first = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(root.resolve("first.out").toFile()).start();
        assertTrue(first.waitFor(20, TimeUnit.SECONDS), "the foreground process returns");
        assertEquals(0, first.exitValue(), () -> read(root.resolve("first.out")));
        long pid = Poll.value(Duration.ofSeconds(20), "pidfile of the daemonized emperor", () -> {
            String s = Files.exists(pidfile) ? Files.readString(pidfile).trim() : "";
            return s.isEmpty() ? java.util.Optional.<Long>empty() : java.util.Optional.of(Long.parseLong(s));
        });
        try {
            assertTrue(pid != first.pid(), "a new process governs");
            Http.Response r = Poll.value(Duration.ofSeconds(20), "vassal answers", () -> {
                try {
                    return java.util.Optional.of(Http.get(port));
                } catch (java.io.IOException e) {
                    return java.util.Optional.<Http.Response>empty();
                }
            });
            assertEquals(200, r.status());
            String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
            Poll.until(Duration.ofSeconds(10), "emperor and vassal lines in the log file",
                    () -> read(log).contains("*** starting uWSGI Emperor ***") && read(log).contains("has_emperor mode detected"));
            assertTrue(status.contains("PPid:"), status);
            String sid = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = sid.substring(sid.lastIndexOf(')') + 2).split(" ");
            assertEquals(Long.toString(pid), f[3], "the daemon leads its own session");
        } finally {
            TempEmperor.kill("TERM", pid);
            Poll.until(Duration.ofSeconds(30), "daemon gone", () -> !Files.exists(Path.of("/proc", Long.toString(pid))));
        }
        assertTrue(read(log).contains("The Emperor is buried."));
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
