package dev.emperor.regression;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.spawn.VassalEnvironment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * uWSGI BUG (unbit/uwsgi#1612, protocol doc §1a): with UWSGI_VASSAL_FOO=bar
 * UWSGI_VASSAL_SOCKET=127.0.0.1:1 MIDDLE=mid UWSGI_VASSAL_PROCESSES=4 a 2.0.21 vassal got only
 * UWSGI_SOCKET. Every UWSGI_VASSAL_X must become UWSGI_X.
 */
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class UwsgiVassalEnvRewriteBugTest {

    @Test
    void everyVassalVariableIsRewrittenAndTheRestKept() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("UWSGI_VASSAL_FOO", "bar");
        env.put("UWSGI_VASSAL_SOCKET", "127.0.0.1:1");
        env.put("MIDDLE", "mid");
        env.put("UWSGI_VASSAL_PROCESSES", "4");
        env.put("UWSGI_RELOADS", "3");
        env.put("NOTIFY_SOCKET", "/run/systemd/notify");
        List<String> child = new VassalEnvironment(env, List.of("ADDED=1"), List.of()).forChild(Map.of("UWSGI_EMPEROR_FD", "3"));
        assertTrue(child.contains("UWSGI_FOO=bar"), child::toString);
        assertTrue(child.contains("UWSGI_SOCKET=127.0.0.1:1"), child::toString);
        assertTrue(child.contains("UWSGI_PROCESSES=4"), child::toString);
        assertTrue(child.contains("MIDDLE=mid"));
        assertTrue(child.contains("ADDED=1"));
        assertTrue(child.contains("UWSGI_EMPEROR_FD=3"));
        assertFalse(child.stream().anyMatch(e -> e.startsWith("UWSGI_VASSAL_")), child::toString);
        assertFalse(child.stream().anyMatch(e -> e.startsWith("UWSGI_RELOADS=")));
        assertFalse(child.stream().anyMatch(e -> e.startsWith("NOTIFY_SOCKET=")));
    }

    @Test
    void singleVassalVariableFollowedByAnOrdinaryOneIsNotLost() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("UWSGI_VASSAL_SOCKET", "127.0.0.1:1");
        env.put("HOME", "/root");
        List<String> child = new VassalEnvironment(env, List.of(), List.of("HOME")).forChild(Map.of());
        assertTrue(child.contains("UWSGI_SOCKET=127.0.0.1:1"), child::toString);
        assertFalse(child.stream().anyMatch(e -> e.startsWith("HOME=")), "unenv removes it");
    }
}
