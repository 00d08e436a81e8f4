package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * uWSGI's {@code pidfile} and {@code pidfile2} on an Emperor (Debian's uwsgi-emperor init script
 * passes {@code --pidfile} and stops the daemon through it): both hold the Emperor's pid and a
 * newline, are announced with "writing pidfile to PATH", stay after exit without {@code vacuum}
 * and are removed with it ("VACUUM: pidfile removed."). Runs against real {@code uwsgi --emperor}
 * with {@code -Demperor.impl=uwsgi}: the same assertions hold for both.
 */
@Timeout(90)
class PidfileIT {

    @Test
    void pidfilesStayWithoutVacuum() throws Exception {
        run(false);
    }

    @Test
    void vacuumRemovesBoth() throws Exception {
        run(true);
    }

    private void run(boolean vacuum) throws Exception {
        int port = Ports.free();
        TempEmperor.Builder b = TempEmperor.prepare("pidfile")
                .option("pidfile", "%demperor1.pid")
                .option("pidfile2", "%demperor2.pid");
        if (vacuum) {
            b.option("vacuum", "true");
        }
        try (TempEmperor e = b.build()) {
            Vassals.python("app", port).writeTo(e);
            e.start();
            Path first = e.root().resolve("emperor1.pid");
            Path second = e.root().resolve("emperor2.pid");
            e.await(TempEmperor.SHORT, "both pidfiles written",
                    () -> Files.exists(first) && Files.exists(second) && Files.readString(second).endsWith("\n"));
            assertEquals(e.pid() + "\n", Files.readString(first));
            assertEquals(e.pid() + "\n", Files.readString(second));
            e.awaitLog("writing pidfile to " + java.util.regex.Pattern.quote(first.toString()), TempEmperor.SHORT);
            e.awaitLog("writing pidfile to " + java.util.regex.Pattern.quote(second.toString()), TempEmperor.SHORT);
            e.awaitAnswer(port, "app", TempEmperor.SHORT);
            e.signal("INT");
            e.awaitExit(Duration.ofSeconds(40));
            if (vacuum) {
                assertFalse(Files.exists(first), "vacuum removes pidfile");
                assertFalse(Files.exists(second), "vacuum removes pidfile2");
                e.awaitLog("VACUUM: pidfile removed\\.", TempEmperor.SHORT);
                e.awaitLog("VACUUM: pidfile2 removed\\.", TempEmperor.SHORT);
            } else {
                assertTrue(Files.exists(first), "without vacuum the pidfile stays, as uWSGI leaves it");
                assertTrue(Files.exists(second), "without vacuum pidfile2 stays");
            }
        }
    }
}
