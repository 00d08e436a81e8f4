package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.emperor.testing.TestUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code early-emperor}: uWSGI starts a standalone Emperor before the privilege drop and pidfile2,
 * and never comes back to them, so with {@code uid}/{@code gid} the Emperor stays root and its
 * vassals are started by root; {@code pidfile} is written, {@code pidfile2} is not
 * (docs/uwsgi-compat.md, "early-emperor"). Runs against real {@code uwsgi --emperor} with
 * {@code -Demperor.impl=uwsgi}: the same assertions hold for both. Needs root (CI runs as root).
 */
@Timeout(60)
class EarlyEmperorIT {

    @Test
    void theEmperorKeepsItsPrivilegesAndWritesNoPidfile2() throws Exception {
        TestUsers.requireRoot();
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("early").option("early-emperor", "true")
                .option("uid", "nobody").option("gid", "nogroup")
                .option("pidfile", "%dfirst.pid").option("pidfile2", "%dsecond.pid").build()) {
            Vassals.python("app", port).writeTo(e);
            e.start();
            e.awaitAnswer(port, "app", TempEmperor.SHORT);
            assertEquals(0, uid(e.pid()), "the early Emperor keeps uid 0");
            assertEquals(e.pid() + "\n", Files.readString(e.root().resolve("first.pid")));
            assertFalse(Files.exists(e.root().resolve("second.pid")), "no pidfile2 for an early Emperor");
            e.signal("INT");
            e.awaitExit(TempEmperor.SHORT);
        }
    }

    private static int uid(long pid) throws java.io.IOException {
        List<String> status = Files.readAllLines(Path.of("/proc/" + pid + "/status"));
        for (String line : status) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.split("\\s+")[2]); // effective uid
            }
        }
        throw new AssertionError("no Uid line for " + pid);
    }
}
