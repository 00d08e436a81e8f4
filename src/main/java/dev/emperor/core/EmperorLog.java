package dev.emperor.core;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.LongSupplier;
import dev.emperor.log.EmperorKeys;
import dev.emperor.log.LogOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * uWSGI's two kinds of log lines, through slf4j: plain ones ({@code uwsgi_log}) and "verbose"
 * ones ({@code uwsgi_log_verbose}) prefixed with the first 24 characters of ctime() and " - ",
 * or with a strftime-like {@code log-date} format. With {@code log-date} every line is dated.
 * Operators grep these lines, so their wording follows uWSGI's.
 *
 * <p>Lines about a vassal go through {@link #about}: the same text, plus the vassal's name, its pid
 * and a short event name as slf4j key-value pairs, which {@code log-format = json} writes as the
 * {@code vassal}, {@code pid} and {@code event} fields (docs/logging.md). In JSON the date prefix is
 * left out: the object has its own {@code time}.
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
        if (LogOutput.json()) {
            return "";
        }
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

    /**
     * The same five kinds of line, about one vassal.
     *
     * @param vassal its name (the file name, as in the stats)
     * @param pid    its master's pid, &le; 0 when it has none
     * @param event  a short, stable name of what happened ("spawned", "died", ...), docs/logging.md
     */
    public About about(String vassal, int pid, String event) {
        return new About(vassal, pid, event);
    }

    About about(Vassal v, String event) {
        return new About(v.name, v.pid, event);
    }

    /** Lines about one vassal: see {@link EmperorLog#about}. */
    public final class About {
        private final String vassal;
        private final int pid;
        private final String event;

        private About(String vassal, int pid, String event) {
            this.vassal = vassal;
            this.pid = pid;
            this.event = event;
        }

        public void plain(String line) {
            log(Level.INFO, dateAll ? date() + line : line);
        }

        public void verbose(String line) {
            log(Level.INFO, date() + line);
        }

        public void warn(String line) {
            log(Level.WARN, dateAll ? date() + line : line);
        }

        public void error(String line) {
            log(Level.ERROR, dateAll ? date() + line : line);
        }

        public void debug(String line) {
            if (logger.isDebugEnabled()) {
                log(Level.DEBUG, line);
            }
        }

        private void log(Level level, String line) {
            logger.atLevel(level).addKeyValue(EmperorKeys.VASSAL, vassal).addKeyValue(EmperorKeys.PID, pid)
                    .addKeyValue(EmperorKeys.EVENT, event).log(line);
        }
    }
}
