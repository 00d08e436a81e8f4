package dev.emperor.core;

import java.util.List;
import java.util.Map;

/**
 * The loop's state as plain data, for the in-place upgrade (docs/upgrade.md, "What crosses the
 * exec"): what {@link EmperorLoop#capture} takes from the vassal table, the blacklist and the
 * counters, and what {@link EmperorLoop#resume} rebuilds them from in the next process. Instants are
 * absolute CLOCK_MONOTONIC nanoseconds ({@code System.nanoTime()}), 0 = never: the loop's own
 * monotonic milliseconds count from the JVM's start and mean nothing in the next JVM.
 *
 * @param vassals   one image per record
 * @param blacklist one image per blacklist entry
 * @param counters  the daemon-wide counters (spawns, reloads, kills, resource errors by kind …)
 */
public record LoopImage(List<VassalImage> vassals, List<BlacklistImage> blacklist, Map<String, Long> counters) {

    /**
     * Flag of a captured vassal image: its process was handed over to this JVM by an earlier one, so its
     * parent thread is this JVM's primordial thread, not the loop thread (docs/platform-notes.md,
     * "Replacing the JVM in place"); never read back into a record.
     */
    public static final String EARLIER_GENERATION = "earlier_generation";

    public LoopImage {
        vassals = List.copyOf(vassals);
        blacklist = List.copyOf(blacklist);
        counters = Map.copyOf(counters);
    }

    /**
     * One vassal record; keys of the maps are listed in {@link RecordImages}.
     *
     * @param fds     role ("pipe", "config", "listen") → fd that crosses the exec
     * @param numbers pid, counters, the source's uid/gid/mtime and instants (monotonic ns) by name
     * @param flags   loyal, ready, accepting, adopted … by name
     * @param texts   stop reason, socket name, the source's path/cwd/attrs … by name
     */
    public record VassalImage(String name, String monitor, String state, Map<String, Integer> fds,
                              Map<String, Long> numbers, Map<String, Boolean> flags, Map<String, String> texts) {
        public VassalImage {
            fds = Map.copyOf(fds);
            numbers = Map.copyOf(numbers);
            flags = Map.copyOf(flags);
            texts = Map.copyOf(texts);
        }
    }

    /** One blacklist entry (instants in monotonic ns, 0 = never). */
    public record BlacklistImage(String name, long levelUs, long attempt, long firstAttempt, long lastAttempt,
                                 boolean refused, boolean penalised) {
    }
}
