package dev.emperor.it;

import java.util.Locale;

/** Which Emperor the integration tests drive, and how it is launched. */
public enum Impl {
    /** Our daemon: {@code java ... -jar target/emperor.jar}. */
    OURS,
    /** The real uWSGI 2.0.21 Emperor: {@code uwsgi --ini emperor.ini}. */
    UWSGI;

    /** How the options reach the Emperor. */
    public enum Launch { INI, CMDLINE }

    /** The implementation selected by {@code -Demperor.impl} / {@code EMPEROR_IMPL} (default: ours). */
    public static Impl current() {
        String v = setting("emperor.impl", "EMPEROR_IMPL", "ours").toLowerCase(Locale.ROOT);
        switch (v) {
            case "ours": case "emperor": case "jar": return OURS;
            case "uwsgi": return UWSGI;
            default: throw new IllegalArgumentException("emperor.impl must be 'ours' or 'uwsgi', not '" + v + "'");
        }
    }

    /** True when the suite runs against real uWSGI. */
    public static boolean isUwsgi() {
        return current() == UWSGI;
    }

    /** The launch style selected by {@code -Demperor.launch} / {@code EMPEROR_LAUNCH} (default: ini). */
    public static Launch launch() {
        String v = setting("emperor.launch", "EMPEROR_LAUNCH", "ini").toLowerCase(Locale.ROOT);
        return v.equals("cmdline") ? Launch.CMDLINE : Launch.INI;
    }

    /** System property, else environment variable, else the default. */
    static String setting(String property, String env, String def) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) v = System.getenv(env);
        return v == null || v.isBlank() ? def : v.trim();
    }
}
