package dev.emperor.config;

import java.util.Map;

/**
 * Why a uWSGI option this daemon knows is refused (docs/uwsgi-compat.md, "Options"): the reason goes into the
 * refusal ({@code option 'zeus': not supported: ...}) and README's option table says the same. An option
 * refused without an entry here is one still being implemented: it says "not supported yet".
 */
public final class RefusalReasons {
    /** 2.0.21's dlsym hooks (docs/hooks.md). */
    static final String DLSYM = "it calls a C function found with dlsym() inside the uWSGI process;"
            + " this daemon is not a C process and has no such symbols (use exec-as-emperor / exec-as-vassal)";

    private static final Map<String, String> REASONS = Map.ofEntries(
            Map.entry("fork-socket", "it makes a uWSGI instance a fork server, a vassal's role (the base vassal of"
                    + " emperor-use-fork-server); this daemon is only an Emperor: put it in the base vassal's config"),
            Map.entry("zeus", "uWSGI master's Zeus mode is unfinished work in progress (core/zeus.c: no protocol handling;"
                    + " master's Emperor then neither stops nor respawns its vassals): there is no behaviour to match"),
            Map.entry("call-as-emperor", DLSYM), Map.entry("call-as-emperor1", DLSYM), Map.entry("call-as-emperor2", DLSYM),
            Map.entry("call-as-emperor4", DLSYM), Map.entry("call-as-vassal", DLSYM), Map.entry("call-as-vassal1", DLSYM),
            Map.entry("call-as-vassal3", DLSYM),
            Map.entry("hook-as-emperor-setns", "the vassal enters its namespaces in its own exec chain after the spawn"
                    + " returned, so the Emperor has no moment at which it could join them reliably"));

    private RefusalReasons() {
    }

    /** The reason {@code def} is refused, or null when none is recorded ("not supported yet"). */
    public static String of(OptionDef def) {
        return REASONS.get(def.name());
    }

    /** The refusal's text: "not supported: REASON", or "not supported yet". */
    static String refusal(OptionDef def) {
        String why = of(def);
        return why == null ? "not supported yet" : "not supported: " + why;
    }
}
