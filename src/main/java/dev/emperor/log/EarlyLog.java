package dev.emperor.log;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The configuration loader's log lines while logback is still being set up on another thread
 * ({@link LogSetup}): kept in order with their time, then written through slf4j once it is ready,
 * so that no line is lost, reordered or re-dated. Outside that window (tests, {@code ctl}, after
 * start-up) a line goes to slf4j at once.
 */
public final class EarlyLog {
    private static final int MAX_KEPT = 10_000;
    private static List<Line> kept; // null: write at once

    private record Line(String logger, Level level, String message, long timeMillis) {
    }

    private final String name;

    private EarlyLog(String name) {
        this.name = name;
    }

    /** A logger for {@code type}'s lines; asks slf4j for nothing until a line is written after start-up. */
    public static EarlyLog forClass(Class<?> type) {
        return new EarlyLog(type.getName());
    }

    public void info(String message) {
        log(Level.INFO, message);
    }

    public void warn(String message) {
        log(Level.WARN, message);
    }

    private void log(Level level, String message) {
        synchronized (EarlyLog.class) {
            if (kept != null) {
                if (kept.size() < MAX_KEPT) {
                    kept.add(new Line(name, level, message, System.currentTimeMillis()));
                }
                return;
            }
        }
        write(new Line(name, level, message, System.currentTimeMillis()));
    }

    static synchronized void keep() {
        if (kept == null) {
            kept = new ArrayList<>();
        }
    }

    /** Writes the kept lines in order and lets later lines through at once. */
    static void flush() {
        List<Line> lines;
        synchronized (EarlyLog.class) {
            lines = kept;
            kept = null;
            if (lines == null) {
                return;
            }
            // written while holding the lock: a line logged meanwhile by another thread waits, so stays after these
            lines.forEach(EarlyLog::write);
        }
    }

    private static void write(Line line) {
        Logger logger = LoggerFactory.getLogger(line.logger());
        if (logger instanceof ch.qos.logback.classic.Logger lb) {
            ch.qos.logback.classic.Level level = ch.qos.logback.classic.Level.convertAnSLF4JLevel(line.level());
            if (lb.isEnabledFor(level)) {
                ch.qos.logback.classic.spi.LoggingEvent event = new ch.qos.logback.classic.spi.LoggingEvent(
                        EarlyLog.class.getName(), lb, level, line.message(), null, null);
                event.setTimeStamp(line.timeMillis()); // the time it was said, not the time logback was ready
                lb.callAppenders(event);
            }
        } else {
            logger.atLevel(line.level()).log(line.message());
        }
    }
}
