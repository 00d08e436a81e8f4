package dev.emperor.daemon;

import dev.emperor.config.EmperorConfig;
import dev.emperor.core.EmperorLog;
import dev.emperor.spawn.Trampoline;
import dev.emperor.config.Capabilities;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides at startup whether the privilege options (emperor-tyrant, emperor-cap, emperor-use-clone)
 * can be honoured, and builds the vassals' exec trampoline. They need the capabilities of
 * docs/capabilities.md in the spawning thread's effective set: root's, or those kept with {@code cap}
 * across the Emperor's own {@code uid}/{@code gid} drop (uWSGI's children would fail
 * setuid/capset/clone one by one and loop in the blacklist; refusing once is clearer), and
 * util-linux's setpriv/unshare.
 */
final class PrivilegeTools {

    private PrivilegeTools() {
    }

    private static void need(boolean wanted, String option, List<String> names, long effective, List<String> lacking,
                             Set<String> missing) {
        if (!wanted) {
            return;
        }
        List<String> absent = names.stream().filter(n -> (effective & Capabilities.mask(List.of(n))) == 0).toList();
        if (!absent.isEmpty()) {
            lacking.add(option + " (" + String.join(",", absent) + ")");
            missing.addAll(absent);
        }
    }

    /** Why the Emperor cannot start with these options. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** For an Emperor without kept capabilities: root has them all, any other uid none. */
    static Trampoline trampoline(EmperorConfig config, int uid, String setpriv, String unshare, EmperorLog log)
            throws Refused {
        long[] caps = uid == 0 ? new long[] {-1L, -1L, 0L} : new long[3];
        return trampoline(config, uid, caps, setpriv, unshare, log);
    }

    /**
     * @param uid     the Emperor's uid now
     * @param caps    the calling (spawning) thread's {effective, permitted, inheritable} capabilities
     * @param setpriv setpriv's path, null when missing
     * @param unshare unshare's path, null when missing
     */
    static Trampoline trampoline(EmperorConfig config, int uid, long[] caps, String setpriv, String unshare, EmperorLog log)
            throws Refused {
        List<String> lacking = new ArrayList<>();
        Set<String> missing = new LinkedHashSet<>();
        need(config.tyrant(), "emperor-tyrant", List.of("setgid", "setuid"), caps[0], lacking, missing);
        need(!config.caps().isEmpty(), "emperor-cap", List.of("setpcap"), caps[0], lacking, missing);
        need(!config.namespaces().isEmpty(), "emperor-use-clone", List.of("sys_admin"), caps[0], lacking, missing);
        if (!lacking.isEmpty()) {
            throw new Refused(String.join(", ", lacking) + " need(s) capabilities the Emperor lacks (it runs as uid " + uid
                    + "): start it as root, and if it drops uid/gid keep them with cap = " + String.join(",", missing)
                    + " (docs/capabilities.md)");
        }
        // a non-root Emperor passes its kept capabilities to the trampoline only (ambient across exec);
        // the last setpriv clears them, so uWSGI never holds them
        long passed = uid == 0 ? 0 : caps[1] & caps[2];
        if (passed != 0 && setpriv == null) {
            throw new Refused("setpriv (util-linux) not found: needed to clear the kept capabilities ("
                    + String.join(",", Capabilities.names(passed)) + ") before a vassal runs");
        }
        if (setpriv == null && (config.tyrant() || !config.caps().isEmpty())) {
            throw new Refused("setpriv (util-linux) not found: needed for emperor-tyrant and emperor-cap");
        }
        if (unshare == null && !config.namespaces().isEmpty()) {
            throw new Refused("unshare (util-linux) not found: needed for emperor-use-clone");
        }
        if (setpriv == null) {
            log.warn("[emperor] setpriv (util-linux) not found: vassals will not die with the Emperor if it is SIGKILLed");
        }
        if (!config.caps().isEmpty()) {
            List<String> set = new ArrayList<>(List.of("setpcap"));
            config.caps().stream().filter(c -> !c.equals("setpcap")).forEach(set::add);
            log.plain("[emperor] vassals' capability bounding set: " + String.join(",", set));
        }
        if (!config.namespaces().isEmpty()) {
            log.plain("[emperor] vassals get new namespaces: " + String.join(",", config.namespaces()));
        }
        if (passed != 0) {
            log.plain("[emperor] the vassals' trampoline gets capabilities " + String.join(",", Capabilities.names(passed))
                    + "; setpriv clears them before uWSGI runs");
        }
        Trampoline t = new Trampoline(setpriv, unshare, config.tyrant(), config.tyrantInitgroups(), config.caps(),
                config.namespaces()).passingCaps(passed);
        return config.noPdeathsig() ? t.withoutParentDeathSignal() : t;
    }
}
