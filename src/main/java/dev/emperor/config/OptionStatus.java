package dev.emperor.config;

/** What this daemon does with a uWSGI option it knows. Keys not in the table are "unknown". */
public enum OptionStatus {
    /** Implemented. */
    SUPPORTED,
    /** Valid uWSGI, not implemented: refused with "not supported yet" unless its value means "off". */
    NOT_YET,
    /**
     * Valid uWSGI, meaningless for this daemon (e.g. {@code master}, {@code plugins}): accepted
     * everywhere, with one warning, so that existing uWSGI command lines keep working.
     */
    IGNORED
}
