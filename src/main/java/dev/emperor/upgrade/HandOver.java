package dev.emperor.upgrade;

import java.util.List;
import java.util.Map;

/**
 * Everything the running daemon hands to its successor across execve (docs/upgrade.md, "The state
 * document"). Instants are CLOCK_MONOTONIC nanoseconds ({@code System.nanoTime()} is that clock on
 * Linux, the same in both JVMs), so deadlines keep their meaning across the exec; wall times are
 * epoch milliseconds. Unknown keys in the maps are ignored and missing ones take their defaults, so
 * a field added later does not need a new {@link #format}.
 *
 * @param format      the document's structure; a reader refuses a format it does not know
 * @param fromVersion the build that wrote it
 * @param upgrades    in-place upgrades so far, this one included
 * @param writtenAt   monotonic ns when it was written (the gap starts here)
 * @param listeners   kind ("stats", "command", …) → inherited listening fd
 * @param counters    the daemon's own counters (spawns, reloads, resource errors …)
 * @param vassals     one entry per vassal record
 * @param blacklist   one entry per blacklisted name
 */
public record HandOver(int format, String fromVersion, long upgrades, long writtenAt,
                       Map<String, Integer> listeners, Map<String, Long> counters,
                       List<VassalEntry> vassals, List<BlacklistEntry> blacklist) {

    /** The format this build writes and reads. */
    public static final int FORMAT = 1;

    public HandOver {
        listeners = Map.copyOf(listeners);
        counters = Map.copyOf(counters);
        vassals = List.copyOf(vassals);
        blacklist = List.copyOf(blacklist);
    }

    /**
     * One vassal record.
     *
     * @param name    the instance name
     * @param monitor the argument of the monitor that lists it
     * @param state   the lifecycle state's name
     * @param fds     role ("pipe", "config", "listen") → inherited fd
     * @param numbers pid, uid, gid, counters and monotonic-ns instants by name
     * @param flags   loyal, ready, accepting, adopted … by name
     * @param texts   stop reason, socket name, path … by name
     */
    public record VassalEntry(String name, String monitor, String state, Map<String, Integer> fds,
                              Map<String, Long> numbers, Map<String, Boolean> flags, Map<String, String> texts) {
        public VassalEntry {
            fds = Map.copyOf(fds);
            numbers = Map.copyOf(numbers);
            flags = Map.copyOf(flags);
            texts = Map.copyOf(texts);
        }

        public long number(String key, long otherwise) {
            return numbers.getOrDefault(key, otherwise);
        }

        public int fd(String role) {
            return fds.getOrDefault(role, -1);
        }
    }

    /** One blacklist entry (uWSGI's throttle arithmetic state; instants in monotonic ns). */
    public record BlacklistEntry(String name, long levelUs, long attempt, long firstAttempt, long lastAttempt,
                                 boolean refused, boolean penalised) {
    }
}
