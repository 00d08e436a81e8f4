package dev.emperor.config;

import dev.emperor.hooks.HookConfig;
import java.util.Map;

/**
 * The hook options' checks at read time (docs/hooks.md): a bad {@code action:args} line, a refused
 * action or a bad mount argument is an error naming the file and line, where uWSGI would exit 1 only
 * when the hook runs; the options this daemon refuses say why.
 */
final class HookOptions {
    /** Options refused with their reason (2.0.21's dlsym calls, master's setns hook). */
    private static final java.util.Set<String> REFUSED = java.util.Set.of("call-as-emperor", "call-as-emperor1",
            "call-as-emperor2", "call-as-emperor4", "call-as-vassal", "call-as-vassal1", "call-as-vassal3",
            "hook-as-emperor-setns");

    private HookOptions() {
    }

    /** Throws for a refused hook option or a value that cannot run; hook options only. */
    static void check(String name, Entry e) throws ConfigException {
        if (REFUSED.contains(name)) {
            if (!e.value.isEmpty()) {
                throw new ConfigException(e.origin, e.key, RefusalReasons.refusal(OptionTable.lookup(name)));
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
        return REFUSED.contains(name) || HookConfig.HOOK_LISTS.contains(name) || name.startsWith("mount-as-")
                || name.startsWith("umount-as-") || name.startsWith("exec-as-") || name.equals("vassals-start-hook")
                || name.equals("vassals-stop-hook");
    }
}
