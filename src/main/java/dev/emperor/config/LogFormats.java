package dev.emperor.config;

/**
 * The values of this daemon's {@code log-format}: {@code plain} (uWSGI's lines) and {@code json} (one
 * object per line, docs/logging.md). In uWSGI {@code log-format} is also an alias of {@code logformat},
 * the request log format of workers ({@code %(addr) - %(user) ...}); such a value has no meaning for an
 * Emperor and stays ignored, so an emperor.ini that carries one keeps working.
 */
final class LogFormats {
    static final String PLAIN = "plain";
    static final String JSON = "json";

    private LogFormats() {
    }

    static boolean isRequestLogFormat(String value) {
        return value != null && value.contains("%(");
    }

    static String parse(Entry e) throws ConfigException {
        String v = e.value == null ? "" : e.value.trim();
        if (v.equalsIgnoreCase(PLAIN) || v.equalsIgnoreCase(JSON)) {
            return v.toLowerCase(java.util.Locale.ROOT);
        }
        throw new ConfigException(e.origin, e.key, "unknown log format '" + e.value + "': use plain or json");
    }
}
