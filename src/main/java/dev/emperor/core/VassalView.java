package dev.emperor.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One vassal as the stats document shows it. Times are epoch seconds, 0 = never.
 *
 * @param state     this daemon's lifecycle state name (not in uWSGI's document; for metrics/ctl)
 * @param throttleMs the blacklist penalty in force for this vassal in ms, 0 when none
 */
public record VassalView(
        String id,
        int pid,
        long born,
        long lastMod,
        long lastHeartbeat,
        boolean loyal,
        boolean ready,
        boolean accepting,
        long lastLoyal,
        long lastReady,
        long lastAccepting,
        long firstRun,
        long lastRun,
        long cursed,
        boolean zerg,
        String onDemand,
        boolean suspended,
        boolean adopted,
        int uid,
        int gid,
        String monitor,
        Map<String, String> attrs,
        long respawns,
        String state,
        long throttleMs) {

    public VassalView {
        attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
    }
}
