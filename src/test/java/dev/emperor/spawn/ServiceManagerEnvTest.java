package dev.emperor.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** systemd's notification and watchdog variables are the Emperor's: no vassal inherits them. */
class ServiceManagerEnvTest {
    @Test
    void notifyAndWatchdogVariablesAreNotInherited() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/bin");
        env.put("NOTIFY_SOCKET", "@/org/freedesktop/systemd1/notify/123");
        env.put("WATCHDOG_USEC", "60000000");
        env.put("WATCHDOG_PID", "42");
        List<String> child = new VassalEnvironment(env, List.of(), List.of()).forChild(Map.of("UWSGI_EMPEROR_FD", "3"));
        assertEquals(List.of("PATH=/usr/bin", "UWSGI_EMPEROR_FD=3"), child);
    }
}
