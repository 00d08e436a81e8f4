package dev.emperor.upgrade;

import dev.emperor.core.LoopImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The loop's image and the daemon's listeners → the state document's model (docs/upgrade.md, "The
 * state document"). The record fields themselves are named by core (its RecordImages); this adds what
 * only the daemon knows: the build, the upgrade count, the moment, the listening sockets.
 */
public final class StateCapture {
    private StateCapture() {
    }

    /**
     * @param listeners kind ("stats") → listening fd handed over
     * @param writtenAt CLOCK_MONOTONIC ns now: the gap is measured from here
     */
    public static HandOver handOver(LoopImage image, String version, Map<String, Integer> listeners, long writtenAt) {
        List<HandOver.VassalEntry> vassals = new ArrayList<>(image.vassals().size());
        for (LoopImage.VassalImage v : image.vassals()) {
            vassals.add(new HandOver.VassalEntry(v.name(), v.monitor(), v.state(), v.fds(), v.numbers(), v.flags(), v.texts()));
        }
        List<HandOver.BlacklistEntry> blacklist = new ArrayList<>(image.blacklist().size());
        for (LoopImage.BlacklistImage b : image.blacklist()) {
            blacklist.add(new HandOver.BlacklistEntry(b.name(), b.levelUs(), b.attempt(), b.firstAttempt(), b.lastAttempt(),
                    b.refused(), b.penalised()));
        }
        long upgrades = image.counters().getOrDefault("upgrades", 0L) + 1;
        return new HandOver(HandOver.FORMAT, version, upgrades, writtenAt, listeners, image.counters(), vassals, blacklist);
    }

    /** Every fd the document names (vassal pipes, config fds, on-demand sockets, listeners): exactly those cross. */
    public static List<Integer> fds(HandOver h) {
        List<Integer> fds = new ArrayList<>(h.listeners().values());
        h.vassals().forEach(v -> fds.addAll(v.fds().values()));
        return fds;
    }

    /**
     * The manifest {@code EMPEROR_UPGRADE_FDS}: {@code fd:pid:name} per vassal pipe, {@code fd:-1:name} per other
     * fd of a vassal and {@code fd:0:kind} per listener, so that a successor that cannot read the document still governs every vassal and can
     * close the listeners it cannot use (docs/upgrade.md, "What crosses the exec").
     */
    public static String manifest(HandOver h) {
        StringBuilder b = new StringBuilder();
        for (HandOver.VassalEntry v : h.vassals()) {
            int pipe = v.fd("pipe");
            long pid = v.number("pid", -1);
            if (v.name().indexOf(',') >= 0) {
                continue;
            }
            if (pipe >= 0 && pid > 0) {
                b.append(b.length() == 0 ? "" : ",").append(pipe).append(':').append(pid).append(':').append(v.name());
            }
            // its other fds (config pipe, on-demand socket): a successor without the document closes them
            new java.util.TreeMap<>(v.fds()).forEach((role, fd) -> {
                if (!role.equals("pipe") || pid <= 0) {
                    b.append(b.length() == 0 ? "" : ",").append(fd).append(":-1:").append(v.name());
                }
            });
        }
        h.listeners().forEach((kind, fd) -> b.append(b.length() == 0 ? "" : ",").append(fd).append(":0:").append(kind));
        return b.toString();
    }
}
