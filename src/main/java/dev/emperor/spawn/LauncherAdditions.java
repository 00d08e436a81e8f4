package dev.emperor.spawn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Variables the launcher put into the daemon's own environment for the JVM's sake (glibc's
 * {@code MALLOC_ARENA_MAX}: docs/operations.md, "Footprint flags"). The launcher names them in
 * {@link #MARKER}; they are the daemon's, not the operator's, so no child sees them: a vassal or
 * hook gets the environment the operator gave the Emperor, as under uWSGI. A variable the operator
 * set himself is never named, so it still reaches the children. The in-place upgrade's exec of the
 * launcher keeps them (the launcher sees its own marker and adds nothing twice).
 */
public final class LauncherAdditions {
    public static final String MARKER = "EMPEROR_LAUNCHER_ADDED";

    private LauncherAdditions() {
    }

    /** {@code environ} without the variables the launcher added (and without the marker). */
    public static Map<String, String> strip(Map<String, String> environ) {
        String added = environ.get(MARKER);
        if (added == null) {
            return environ;
        }
        Map<String, String> m = new LinkedHashMap<>(environ);
        m.remove(MARKER);
        for (String name : added.split("[ ,]+")) {
            if (!name.isEmpty()) {
                m.remove(name);
            }
        }
        return m;
    }
}
