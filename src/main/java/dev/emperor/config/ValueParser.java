package dev.emperor.config;

/** Value parsers of uWSGI's options, with clearer failures (docs/uwsgi-compat.md, "Values"). */
final class ValueParser {

    private ValueParser() {
    }

    /** {@code uwsgi_opt_true}: true unless false/off/no (any case) or exactly "0"; empty = true. */
    static boolean bool(String value) {
        return value == null || !(value.equalsIgnoreCase("false") || value.equalsIgnoreCase("off")
                || value.equalsIgnoreCase("no") || value.equals("0"));
    }

    /**
     * {@code uwsgi_opt_set_int}: {@code atoi} semantics for what uWSGI accepts ("3s" is 3), but a
     * value without any leading number ("abc", "") is refused instead of silently becoming 0.
     */
    static int nonNegativeInt(Entry e) throws ConfigException {
        String v = e.value;
        int i = 0;
        while (i < v.length() && " \t\n\u000b\f\r".indexOf(v.charAt(i)) >= 0) {
            i++;
        }
        boolean negative = i < v.length() && v.charAt(i) == '-';
        if (i < v.length() && (v.charAt(i) == '-' || v.charAt(i) == '+')) {
            i++;
        }
        int digitsStart = i;
        long n = 0;
        while (i < v.length() && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
            n = Math.min(n * 10 + (v.charAt(i) - '0'), 1L << 40);
            i++;
        }
        if (i == digitsStart) {
            throw new ConfigException(e.origin, e.key,
                    "invalid value for option \"" + e.key + "\": '" + v + "' is not a number");
        }
        if (negative && n > 0) {
            throw new ConfigException(e.origin, e.key, "invalid value for option \"" + e.key + "\": must be > 0");
        }
        if (n > Integer.MAX_VALUE) {
            throw new ConfigException(e.origin, e.key, "invalid value for option \"" + e.key + "\": too large");
        }
        return (int) n;
    }

    /** True when a refused (not yet supported) option's value means "off" and can be accepted. */
    static boolean isOff(OptionKind kind, String value) {
        return switch (kind) {
            case BOOL -> !bool(value);
            case INT -> !value.isEmpty() && value.chars().allMatch(c -> c == '0');
            default -> false;
        };
    }

    /**
     * {@code uwsgi_opt_chmod_socket}: bare (empty) or "1" means the default 666, otherwise exactly
     * three octal digits. uWSGI exits on an empty value in a file; here it counts as bare.
     */
    static String chmod(Entry e) throws ConfigException {
        String v = e.value;
        if (v.isEmpty() || v.equals("1")) {
            return "666";
        }
        if (v.length() != 3 || !v.chars().allMatch(c -> c >= '0' && c <= '7')) {
            throw new ConfigException(e.origin, e.key, "invalid chmod value: " + v);
        }
        return v;
    }

    /**
     * {@code uwsgi_opt_log_date}: bare or true/1/on/yes (any case) = the default ctime prefix (""),
     * anything else is a strftime format.
     */
    static String logDate(String v) {
        if (v.isEmpty() || v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("on")
                || v.equalsIgnoreCase("yes")) {
            return "";
        }
        return v;
    }
}
