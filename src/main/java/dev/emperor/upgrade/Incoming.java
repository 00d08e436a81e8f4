package dev.emperor.upgrade;

import dev.emperor.internal.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The new process's view of an in-place upgrade (docs/upgrade.md, "Order of events", step 3): the
 * state document read from the memfd named by {@code EMPEROR_UPGRADE_STATE} and checked, or — when it
 * is corrupt, of a format this build does not know, or names an fd that is not open — the reason and
 * the manifest alone, by which every vassal is still governed.
 *
 * @param doc      the document, null when it could not be used
 * @param manifest the manifest's entries (always read)
 * @param problem  why the document could not be used, or null
 */
public record Incoming(HandOver doc, List<StateRestore.ManifestEntry> manifest, String problem) {

    /** In-place upgrades so far, this one included, from the environment (1 when it does not say). */
    public static long count(Map<String, String> env) {
        try {
            return Math.max(1, Long.parseLong(env.getOrDefault(InPlaceUpgrade.COUNT_ENV, "1").trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    public Incoming {
        manifest = List.copyOf(manifest);
    }

    /** The upgrade this process was started by, or null when it was not started by one. */
    public static Incoming read(Map<String, String> env, Native nat) {
        String state = env.get(InPlaceUpgrade.STATE_ENV);
        if (state == null) {
            return null;
        }
        List<StateRestore.ManifestEntry> manifest = StateRestore.manifest(env.get(InPlaceUpgrade.FDS_ENV));
        int memfd;
        try {
            memfd = Integer.parseInt(state.trim());
        } catch (NumberFormatException e) {
            return new Incoming(null, manifest, InPlaceUpgrade.STATE_ENV + "=" + state + " is not an fd number");
        }
        byte[] bytes;
        try {
            // the memfd's own offset is at its end: a fresh open of it reads from the start
            bytes = Files.readAllBytes(Path.of("/proc/self/fd/" + memfd));
        } catch (IOException | RuntimeException e) {
            return new Incoming(null, manifest, "cannot read the state document on fd " + memfd + ": " + e);
        } finally {
            try {
                nat.close(memfd);
            } catch (RuntimeException e) {
                // not open: nothing to close
            }
        }
        HandOver doc;
        try {
            doc = HandOverJson.read(bytes);
        } catch (HandOverException e) {
            return new Incoming(null, manifest, e.getMessage());
        }
        for (int fd : StateCapture.fds(doc)) {
            if (!Files.exists(Path.of("/proc/self/fd/" + fd))) {
                return new Incoming(null, manifest, "the state document names fd " + fd + ", which is not open");
            }
        }
        return new Incoming(doc, manifest, null);
    }

    /** The inherited listening fd of {@code kind}, -1 for none (from the manifest when the document is unusable). */
    public int listener(String kind) {
        if (doc != null) {
            return doc.listeners().getOrDefault(kind, -1);
        }
        for (StateRestore.ManifestEntry e : manifest) {
            if (e.pid() == 0 && e.name().equals(kind)) {
                return e.fd();
            }
        }
        return -1;
    }

    /** The manifest's fds that are neither a vassal's pipe nor a listener (pid -1): closed when the document is unusable. */
    public List<Integer> strays() {
        List<Integer> out = new ArrayList<>();
        manifest.forEach(e -> {
            if (e.pid() < 0) {
                out.add(e.fd());
            }
        });
        return out;
    }

    /** The vassals of the manifest (pid &gt; 0). */
    public List<StateRestore.ManifestEntry> vassals() {
        List<StateRestore.ManifestEntry> out = new ArrayList<>();
        manifest.forEach(e -> {
            if (e.pid() > 0) {
                out.add(e);
            }
        });
        return out;
    }
}
