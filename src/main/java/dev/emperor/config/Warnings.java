package dev.emperor.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import dev.emperor.log.EarlyLog;

/** Collects (and logs at WARN) what the loader tolerated, once per distinct option key. */
final class Warnings {

    private static final EarlyLog LOG = EarlyLog.forClass(ConfigLoader.class); // logback may still be starting

    private final List<String> messages = new ArrayList<>();
    private final Set<String> warnedKeys = new HashSet<>();

    void add(String message) {
        messages.add(message);
        LOG.warn(message);
    }

    /** A uWSGI option without meaning here (status IGNORED). */
    void ignoredOption(Entry e) {
        if (warnedKeys.add(e.key)) {
            add("[emperor] ignoring option '" + e.key + "' " + e.origin.where() + ": no effect on this daemon");
        }
    }

    /** A key that is no option of this daemon (uWSGI would keep it as a placeholder). */
    void unknownOption(Entry e) {
        if (warnedKeys.add(e.key)) {
            add("[emperor] ignoring option '" + e.key + "' " + e.origin.where() + ": not an option of this daemon"
                    + didYouMean(e.key));
        }
    }

    static String didYouMean(String key) {
        String suggestion = OptionTable.suggest(key);
        return suggestion == null ? "" : " (did you mean '" + suggestion + "'?)";
    }

    List<String> list() {
        return List.copyOf(messages);
    }
}
