package dev.emperor.core;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * uWSGI's two kinds of log lines, through slf4j: plain ones ({@code uwsgi_log}) and "verbose"
 * ones ({@code uwsgi_log_verbose}) prefixed with the first 24 characters of ctime() and " - ",
 * or with a strftime-like {@code log-date} format. With {@code log-date} every line is dated.
 * Operators grep these lines, so their wording follows uWSGI's.
 */
public final class EmperorLog implements dev.emperor.log.Log {
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);
    private final Logger logger;
    private final LongSupplier clock;
    private final boolean dateAll;
    private final DateTimeFormatter format;

    /** @param logDate null = off, "" or "true"/"1"/"on"/"yes" = ctime format, else a strftime format */
    public EmperorLog(String logDate, LongSupplier clockMillis) {
        this.logger = LoggerFactory.getLogger("emperor");
        this.clock = clockMillis;
        this.dateAll = logDate != null;
        this.format = logDate == null || isTrue(logDate) ? CTIME : Strftime.toFormatter(logDate);
    }

    public static EmperorLog standard() {
        return new EmperorLog(null, System::currentTimeMillis);
    }

    private static boolean isTrue(String v) {
        return v.isEmpty() || v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("on")
                || v.equalsIgnoreCase("yes");
    }

    private String date() {
        return ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(clock.getAsLong()), java.time.ZoneId.systemDefault())
                .format(format) + " - ";
    }

    public void plain(String line) {
        logger.info(dateAll ? date() + line : line);
    }

    public void verbose(String line) {
        logger.info(date() + line);
    }

    /** Our own diagnostics (not uWSGI lines): warnings an operator should act on. */
    public void warn(String line) {
        logger.warn(dateAll ? date() + line : line);
    }

    public void error(String line) {
        logger.error(dateAll ? date() + line : line);
    }

    public void debug(String line) {
        if (logger.isDebugEnabled()) {
            logger.debug(line);
        }
    }
}
