package dev.emperor.daemon;

import dev.emperor.config.EmperorConfig;
import dev.emperor.core.EmperorLog;
import dev.emperor.spawn.VassalAttrs;

/**
 * {@code emperor-wrapper-attr} and {@code emperor-chdir-attr} (docs/uwsgi-compat.md, "Vassal attributes"). As in
 * uWSGI master, an attribute is only read when {@code emperor-collect-attr} lists its key; master says nothing
 * when it does not, and the option silently never applies — here one warning says so at start-up.
 */
final class AttrOptions {
    private AttrOptions() {
    }

    static VassalAttrs check(EmperorConfig config, EmperorLog log) {
        warnUncollected("emperor-wrapper-attr", config.wrapperAttr(), config, log);
        warnUncollected("emperor-chdir-attr", config.chdirAttr(), config, log);
        return new VassalAttrs(config.wrapperAttr(), config.chdirAttr(), config.tyrant());
    }

    private static void warnUncollected(String option, String key, EmperorConfig config, EmperorLog log) {
        if (key != null && !config.collectAttrs().contains(key)) {
            log.warn("[emperor] " + option + " = " + key + config.where(option) + " never applies: '" + key
                    + "' is not collected (add emperor-collect-attr = " + key + ")");
        }
    }
}
