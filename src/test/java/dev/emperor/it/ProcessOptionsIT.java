package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Options of the Emperor process itself: {@code emperor-pidfile}, {@code logto} (the Emperor's lines
 * and its vassals' output land in the file), {@code emperor-procname} (the comm name ps shows).
 */
@Timeout(60)
class ProcessOptionsIT {

    @Test
    void pidfileLogtoAndProcname() throws Exception {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "emperor-procname/logto wording is ours to check");
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("process-options")
                .option("emperor-pidfile", "%demperor.pid")
                .option("logto", "%demperor.log")
                .option("emperor-procname", "emperor-test")
                .build()) {
            Vassals.python("app", port).writeTo(e);
            e.start();
            Path pidfile = e.root().resolve("emperor.pid");
            Path logfile = e.root().resolve("emperor.log");
            e.await(TempEmperor.SHORT, "pidfile written", () -> Files.exists(pidfile) && !Files.readString(pidfile).isBlank());
            assertEquals(e.pid(), Long.parseLong(Files.readString(pidfile).trim()));
            e.awaitAnswer(port, "app", TempEmperor.SHORT);
            e.await(TempEmperor.SHORT, "emperor and vassal lines in the logto file", () -> {
                String log = Files.exists(logfile) ? Files.readString(logfile) : "";
                return log.contains("*** starting uWSGI Emperor ***") && log.contains("has_emperor mode detected")
                        && log.contains("[emperor] vassal app.ini is ready to accept requests");
            });
            String comm = Files.readString(Path.of("/proc", Long.toString(e.pid()), "comm")).trim();
            assertEquals("emperor-test", comm);
            e.signal("TERM");
            assertEquals(0, e.awaitExit(Duration.ofSeconds(30)));
            assertTrue(Files.readString(logfile).contains("The Emperor is buried."));
        }
    }
}
