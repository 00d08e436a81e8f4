package dev.emperor.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every uWSGI option this daemon knows, by every name (docs/uwsgi-compat.md, "Options").
 * A key that is not here is "unknown": a placeholder in uWSGI terms, a warning in a file, an error
 * on the command line.
 */
public final class OptionTable {

    /** Keys that close a logic block (docs/uwsgi-compat.md, "Logic blocks"); {@code end} is only a file keyword, not an option. */
    static final List<String> BLOCK_CLOSERS = List.of("end", "endfor", "endif", "end-if", "end-for");

    private static final List<OptionDef> DEFS;
    private static final Map<String, OptionDef> BY_NAME;

    static {
        List<OptionDef> defs = new ArrayList<>();
        defs.addAll(EmperorOptionDefs.emperor());
        defs.addAll(EmperorOptionDefs.vassalSide());
        defs.addAll(EmperorOptionDefs.uwsgi21());
        defs.addAll(GenericOptionDefs.loading());
        defs.addAll(GenericOptionDefs.process());
        defs.addAll(GenericOptionDefs.logic());
        Map<String, OptionDef> byName = new LinkedHashMap<>();
        for (OptionDef def : defs) {
            for (String name : def.names()) {
                if (byName.put(name, def) != null) {
                    throw new IllegalStateException("option declared twice: " + name);
                }
            }
        }
        DEFS = Collections.unmodifiableList(defs);
        BY_NAME = Collections.unmodifiableMap(byName);
    }

    private OptionTable() {
    }

    /** The definition for a name or alias (case-sensitive, like uWSGI), null when unknown. */
    public static OptionDef lookup(String key) {
        return BY_NAME.get(key);
    }

    /** Every definition, in table order. */
    public static List<OptionDef> all() {
        return DEFS;
    }

    static boolean isBlockCloser(String key) {
        return BLOCK_CLOSERS.contains(key);
    }

    /**
     * The known name closest to {@code key} (for "did you mean"): at most 2 edits away, or 1 for keys
     * of up to 3 characters; supported options win ties. Null when nothing is that close.
     */
    public static String suggest(String key) {
        int maxDistance = key.length() <= 3 ? 1 : 2;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        boolean bestSupported = false;
        for (Map.Entry<String, OptionDef> e : BY_NAME.entrySet()) {
            int d = levenshtein(key, e.getKey(), maxDistance + 1);
            if (d > maxDistance) {
                continue;
            }
            boolean supported = e.getValue().status() == OptionStatus.SUPPORTED;
            if (d < bestDistance || (d == bestDistance && supported && !bestSupported)) {
                best = e.getKey();
                bestDistance = d;
                bestSupported = supported;
            }
        }
        return best;
    }

    /** Edit distance, giving up (returning {@code limit}) as soon as it cannot be below {@code limit}. */
    static int levenshtein(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit) {
            return limit;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                rowMin = Math.min(rowMin, cur[j]);
            }
            if (rowMin >= limit) {
                return limit;
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return Math.min(prev[b.length()], limit);
    }
}
