package dev.emperor.config;

import dev.emperor.hooks.HookConfig;
import java.util.Map;

/**
 * The hook options' checks at read time (docs/hooks.md): a bad {@code action:args} line, a refused
 * action or a bad mount argument is an error naming the file and line, where uWSGI would exit 1 only
 * when the hook runs; the options this daemon refuses say why.
 */
final class HookOptions {
    private static final String DLSYM = "refused: it calls a C function found with dlsym() inside the uWSGI process;"
            + " this daemon is not a C process and has no such symbols (use exec-as-emperor / exec-as-vassal)";
    private static final String ON_DEMAND = "not supported yet: it runs in the Emperor when an on-demand vassal %s, and"
            + " its failure %s the vassal; this daemon runs Emperor hooks off its loop and cannot yet turn a hook's"
            + " failure into that";

    /** Options refused with their reason (2.0.21's dlsym calls, master's on-demand and setns hooks). */
    private static final Map<String, String> REFUSED = Map.of(
            "call-as-emperor", DLSYM, "call-as-emperor1", DLSYM, "call-as-emperor2", DLSYM, "call-as-emperor4", DLSYM,
            "call-as-vassal", DLSYM, "call-as-vassal1", DLSYM, "call-as-vassal3", DLSYM,
            "hook-as-on-demand-vassal", String.format(ON_DEMAND, "goes to sleep", "removes"),
            "hook-as-on-config-vassal", String.format(ON_DEMAND, "sleeping has its config changed", "curses"),
            "hook-as-emperor-setns", "not supported yet: the vassal enters its namespaces in its own exec chain after"
                    + " the spawn returned, so the Emperor has no moment at which it could join them reliably");

    private HookOptions() {
    }

    /** Throws for a refused hook option or a value that cannot run; hook options only. */
    static void check(String name, Entry e) throws ConfigException {
        String refused = REFUSED.get(name);
        if (refused != null) {
            if (!e.value.isEmpty()) {
                throw new ConfigException(e.origin, e.key, refused);
            }
            return;
        }
        String problem = HookConfig.problem(name, e.value);
        if (problem != null) {
            throw new ConfigException(e.origin, e.key, problem);
        }
    }

    /** True for every option this class checks. */
    static boolean handles(String name) {
        return REFUSED.containsKey(name) || HookConfig.HOOK_LISTS.contains(name) || name.startsWith("mount-as-")
                || name.startsWith("umount-as-") || name.startsWith("exec-as-") || name.equals("vassals-start-hook")
                || name.equals("vassals-stop-hook");
    }
}
