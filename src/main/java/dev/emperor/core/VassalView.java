package dev.emperor.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One vassal as the stats document shows it. Times are epoch seconds, 0 = never.
 *
 * @param state     this daemon's lifecycle state name (not in uWSGI's document; for metrics/ctl)
 * @param throttleMs the blacklist penalty in force for this vassal in ms, 0 when none
 * @param exits     starts, deaths and the last exit (not in uWSGI's document; shown after its keys)
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
        long throttleMs,
        VassalExits exits) {

    public VassalView {
        attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
        exits = exits == null ? VassalExits.NONE : exits;
    }

    /** A vassal that never exited (snapshots built by hand, e.g. in tests). */
    public VassalView(String id, int pid, long born, long lastMod, long lastHeartbeat, boolean loyal, boolean ready,
                      boolean accepting, long lastLoyal, long lastReady, long lastAccepting, long firstRun, long lastRun,
                      long cursed, boolean zerg, String onDemand, boolean suspended, boolean adopted, int uid, int gid,
                      String monitor, Map<String, String> attrs, long respawns, String state, long throttleMs) {
        this(id, pid, born, lastMod, lastHeartbeat, loyal, ready, accepting, lastLoyal, lastReady, lastAccepting, firstRun,
                lastRun, cursed, zerg, onDemand, suspended, adopted, uid, gid, monitor, attrs, respawns, state, throttleMs,
                VassalExits.NONE);
    }
}
