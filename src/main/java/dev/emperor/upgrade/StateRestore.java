package dev.emperor.upgrade;

import dev.emperor.core.LoopImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The state document's model → the loop's image (the inverse of {@link StateCapture}). */
public final class StateRestore {
    private StateRestore() {
    }

    public static LoopImage loopImage(HandOver h) {
        List<LoopImage.VassalImage> vassals = new ArrayList<>(h.vassals().size());
        for (HandOver.VassalEntry v : h.vassals()) {
            vassals.add(new LoopImage.VassalImage(v.name(), v.monitor(), v.state(), v.fds(), v.numbers(), v.flags(), v.texts()));
        }
        List<LoopImage.BlacklistImage> blacklist = new ArrayList<>(h.blacklist().size());
        for (HandOver.BlacklistEntry b : h.blacklist()) {
            blacklist.add(new LoopImage.BlacklistImage(b.name(), b.levelUs(), b.attempt(), b.firstAttempt(), b.lastAttempt(),
                    b.refused(), b.penalised()));
        }
        Map<String, Long> counters = new HashMap<>(h.counters());
        counters.put("upgrades", h.upgrades());
        return new LoopImage(vassals, blacklist, counters);
    }

    /** One entry of the manifest {@code EMPEROR_UPGRADE_FDS}; pid 0 = a listener of that kind. */
    public record ManifestEntry(int fd, int pid, String name) {
    }

    /** Parses the manifest; malformed entries are skipped (each one is a vassal or a listener, not the whole). */
    public static List<ManifestEntry> manifest(String text) {
        List<ManifestEntry> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String item : text.split(",")) {
            String[] p = item.split(":", 3);
            if (p.length != 3 || p[2].isEmpty()) {
                continue;
            }
            try {
                out.add(new ManifestEntry(Integer.parseInt(p[0]), Integer.parseInt(p[1]), p[2]));
            } catch (NumberFormatException e) {
                // skipped: the other entries still hold
            }
        }
        return out;
    }
}
