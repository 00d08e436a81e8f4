package dev.emperor.daemon;

import dev.emperor.config.EmperorConfig;
import dev.emperor.core.EmperorLog;
import dev.emperor.spawn.Trampoline;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides at startup whether the privilege options (emperor-tyrant, emperor-cap, emperor-use-clone)
 * can be honoured, and builds the vassals' exec trampoline. They need an Emperor that is still root
 * after its own {@code uid}/{@code gid} drop (uWSGI's children would fail setuid/capset/clone one by
 * one and loop in the blacklist; refusing once is clearer) and util-linux's setpriv/unshare.
 */
final class PrivilegeTools {

    private PrivilegeTools() {
    }

    /** Why the Emperor cannot start with these options. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * @param uid     the Emperor's uid now
     * @param setpriv setpriv's path, null when missing
     * @param unshare unshare's path, null when missing
     */
    static Trampoline trampoline(EmperorConfig config, int uid, String setpriv, String unshare, EmperorLog log)
            throws Refused {
        List<String> wanted = new ArrayList<>();
        if (config.tyrant()) {
            wanted.add("emperor-tyrant");
        }
        if (!config.caps().isEmpty()) {
            wanted.add("emperor-cap");
        }
        if (!config.namespaces().isEmpty()) {
            wanted.add("emperor-use-clone");
        }
        if (!wanted.isEmpty() && uid != 0) {
            throw new Refused(String.join(", ", wanted) + " need(s) an Emperor running as root (it runs as uid " + uid + ")");
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
        return new Trampoline(setpriv, unshare, config.tyrant(), config.tyrantInitgroups(), config.caps(),
                config.namespaces());
    }
}
