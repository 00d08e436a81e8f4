package dev.emperor.spawn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment a vassal gets (docs/wire-formats.md, "Vassal environment"): the
 * Emperor's own without what the launcher added for the JVM ({@link LauncherAdditions}), after
 * {@code env}/{@code unenv}, minus {@code UWSGI_RELOADS} and
 * {@code NOTIFY_SOCKET} (and systemd's {@code WATCHDOG_USEC}/{@code WATCHDOG_PID}), with every {@code UWSGI_VASSAL_X=v} rewritten to {@code UWSGI_X=v} —
 * correctly, unlike uWSGI whose loop loses every other variable (unbit/uwsgi#1612) — plus
 * {@code UWSGI_EMPEROR_FD}.
 */
public final class VassalEnvironment {
    static final String VASSAL_PREFIX = "UWSGI_VASSAL_";

    private final Map<String, String> base;

    /** @param emperorEnv the Emperor's environment, in order */
    public VassalEnvironment(Map<String, String> emperorEnv, List<String> env, List<String> unenv) {
        Map<String, String> m = new LinkedHashMap<>(LauncherAdditions.strip(emperorEnv));
        for (String kv : env) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                m.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        for (String k : unenv) {
            m.remove(k);
        }
        m.remove("UWSGI_RELOADS");
        // the service manager's protocol is the Emperor's, not the vassals' (docs/operations.md)
        m.remove("NOTIFY_SOCKET");
        m.remove("WATCHDOG_USEC");
        m.remove("WATCHDOG_PID");
        Map<String, String> rewritten = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : m.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(VASSAL_PREFIX)) {
                if (k.length() > VASSAL_PREFIX.length()) {
                    rewritten.put("UWSGI_" + k.substring(VASSAL_PREFIX.length()), e.getValue());
                }
            } else {
                rewritten.putIfAbsent(k, e.getValue());
            }
        }
        // the rewritten value wins over a plain UWSGI_X the Emperor happened to have, as in uWSGI's intent
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (e.getKey().startsWith(VASSAL_PREFIX) && e.getKey().length() > VASSAL_PREFIX.length()) {
                rewritten.put("UWSGI_" + e.getKey().substring(VASSAL_PREFIX.length()), e.getValue());
            }
        }
        this.base = rewritten;
    }

    /** The child's environment as "K=V" entries, with the given extra variables set last. */
    public List<String> forChild(Map<String, String> extra) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.putAll(extra);
        List<String> out = new ArrayList<>(m.size());
        m.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    public String get(String key) {
        return base.get(key);
    }
}
