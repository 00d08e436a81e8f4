package dev.emperor.log;

/** The slf4j key-value pairs a log line about a vassal carries; the JSON fields of docs/logging.md. */
public final class EmperorKeys {
    public static final String VASSAL = "vassal";
    public static final String PID = "pid";
    public static final String EVENT = "event";
    /** The event of a line that names none (start-up, monitors, signals...). */
    public static final String DEFAULT_EVENT = "log";

    private EmperorKeys() {
    }
}
