package dev.emperor.config;

/**
 * A configuration the daemon refuses to start with (uWSGI would {@code exit(1)} in the same place,
 * or the option is valid uWSGI that this daemon does not implement yet).
 * The message always starts with the place, e.g.
 * {@code /etc/emperor.ini:12: option 'emperor-broodlord': not supported yet}.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Origin origin;
    private final String option;
    private final String detail;

    /**
     * @param origin where the offending option came from (null = unknown place)
     * @param option the option key as written, null when the problem is not tied to one option
     * @param detail what is wrong, without the location prefix
     */
    public ConfigException(Origin origin, String option, String detail) {
        super(format(origin, option, detail));
        this.origin = origin;
        this.option = option;
        this.detail = detail;
    }

    private static String format(Origin origin, String option, String detail) {
        StringBuilder sb = new StringBuilder();
        if (origin != null) {
            sb.append(origin.describe()).append(": ");
        }
        if (option != null) {
            sb.append("option '").append(option).append("': ");
        }
        return sb.append(detail).toString();
    }

    /** The config file the problem is in, null for the command line and the environment. */
    public String file() {
        return origin == null ? null : origin.file();
    }

    /** Line number in {@link #file()}, 0 when there is no file. */
    public int line() {
        return origin == null ? 0 : origin.line();
    }

    /** The option key as written, or null. */
    public String option() {
        return option;
    }

    /** The message without location and option prefix. */
    public String detail() {
        return detail;
    }

    public Origin origin() {
        return origin;
    }
}
