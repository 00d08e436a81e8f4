package dev.emperor.log;

/**
 * The one voice of the daemon's log, for packages below the loop (monitor, stats) that cannot
 * depend on core: {@code dev.emperor.core.EmperorLog} implements it, so every line goes through the
 * same formatter and {@code log-date} dates them all (docs/architecture.md, "Logging").
 */
public interface Log {
    /** A line as uWSGI's {@code uwsgi_log} writes it (dated only with {@code log-date}). */
    void plain(String line);

    /** A line as uWSGI's {@code uwsgi_log_verbose} writes it: always dated. */
    void verbose(String line);

    /** Our own diagnostics (not uWSGI lines): warnings an operator should act on. */
    void warn(String line);

    void error(String line);

    void debug(String line);
}
