package dev.emperor.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Only a daemon run starts logback's set-up thread: ctl, --help and --version do not pay for it. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MainDaemonRunTest {
    @Test
    void daemonCommandLinesAreTold() {
        assertTrue(Main.daemonRun(new String[] {"--ini", "/etc/uwsgi/emperor.ini"}));
        assertTrue(Main.daemonRun(new String[] {"--emperor", "/srv/vassals", "--emperor-stats", "127.0.0.1:1717"}));
        assertTrue(Main.daemonRun(new String[] {}));
    }

    @Test
    void ctlHelpAndVersionAreNot() {
        assertFalse(Main.daemonRun(new String[] {"ctl", "status"}));
        assertFalse(Main.daemonRun(new String[] {"--help"}));
        assertFalse(Main.daemonRun(new String[] {"-h"}));
        assertFalse(Main.daemonRun(new String[] {"--version"}));
        assertFalse(Main.daemonRun(new String[] {"-V"}));
        assertFalse(Main.daemonRun(new String[] {"--ini", "x.ini", "--imperial-monitor-list"}));
    }
}
