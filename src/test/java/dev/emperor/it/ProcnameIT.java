package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code emperor-procname} as ps shows it: uWSGI overwrites its argv, so /proc/PID/cmdline is the
 * name and one NUL (what {@code ps -o args} and {@code pgrep -f} read). Runs against real
 * {@code uwsgi --emperor} with {@code -Demperor.impl=uwsgi}: the same assertion holds for both.
 * No capability is needed: both overwrite their own argv area (docs/uwsgi-compat.md, "Process name").
 */
@Timeout(60)
class ProcnameIT {

    @Test
    void psShowsTheProcname() throws Exception {
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("procname").option("emperor-procname", "my emperor").build()) {
            Vassals.python("app", port).writeTo(e);
            e.start();
            e.awaitAnswer(port, "app", TempEmperor.SHORT);
            Path cmdline = Path.of("/proc/" + e.pid() + "/cmdline");
            e.await(TempEmperor.SHORT, "cmdline is the procname",
                    () -> "my emperor\0".equals(Files.readString(cmdline, StandardCharsets.UTF_8)));
            if (e.impl() == Impl.OURS) {
                // beyond uWSGI (which keeps comm "uwsgi"): comm too, cut to 15 bytes by the kernel
                assertEquals("my emperor", Files.readString(Path.of("/proc/" + e.pid() + "/comm")).strip());
            }
            e.signal("INT");
            e.awaitExit(TempEmperor.SHORT);
        }
    }
}
