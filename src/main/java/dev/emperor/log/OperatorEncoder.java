package dev.emperor.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * The encoder of the daemon's log lines (logback.xml): the bare message as uWSGI writes it, or one
 * JSON object per line with {@code log-format = json}; on stderr connected to the journal every line
 * starts with its syslog priority ({@code <3>} error, {@code <4>} warning, {@code <6>} info,
 * {@code <7>} debug) so that {@code journalctl -p warning} works. See docs/logging.md.
 *
 * <p>{@code journalPrefix} (default true) lets an appender that writes to a file opt out: the journal
 * check is about fd 2 only.
 */
public final class OperatorEncoder extends EncoderBase<ILoggingEvent> {
    private boolean journalPrefix = true;

    public void setJournalPrefix(boolean on) {
        this.journalPrefix = on;
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    private static final byte[] NOTHING = new byte[0];

    @Override
    public byte[] encode(ILoggingEvent event) {
        if (LogOutput.held(event)) {
            return NOTHING; // written by LogOutput.release once log-format is known
        }
        return format(event);
    }

    byte[] format(ILoggingEvent event) {
        String prefix = journalPrefix && LogOutput.journal() ? "<" + priority(event.getLevel()) + ">" : null;
        String message = message(event);
        String text;
        if (LogOutput.json()) {
            String vassal = null;
            Integer pid = null;
            String name = null;
            List<KeyValuePair> kvs = event.getKeyValuePairs();
            if (kvs != null) {
                for (KeyValuePair kv : kvs) {
                    switch (kv.key) {
                        case EmperorKeys.VASSAL -> vassal = String.valueOf(kv.value);
                        case EmperorKeys.PID -> pid = kv.value instanceof Integer i && i > 0 ? i : null;
                        case EmperorKeys.EVENT -> name = String.valueOf(kv.value);
                        default -> { }
                    }
                }
            }
            text = JsonLogLine.write(event.getTimeStamp(), levelName(event.getLevel()), vassal, pid,
                    name == null ? EmperorKeys.DEFAULT_EVENT : name, message);
            text = prefix == null ? text + "\n" : prefix + text + "\n";
        } else {
            text = prefix == null ? message + "\n" : prefixEveryLine(prefix, message);
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String message(ILoggingEvent event) {
        String m = event.getFormattedMessage();
        IThrowableProxy t = event.getThrowableProxy();
        return t == null ? m : m + "\n" + ThrowableProxyUtil.asString(t).stripTrailing();
    }

    /** journald reads a priority per line: a stack trace keeps its level on every line. */
    static String prefixEveryLine(String prefix, String message) {
        StringBuilder b = new StringBuilder(message.length() + 8);
        for (String line : message.split("\n", -1)) {
            b.append(prefix).append(line).append('\n');
        }
        return b.toString();
    }

    /** syslog(3) priorities. */
    static int priority(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> 3;
            case Level.WARN_INT -> 4;
            case Level.INFO_INT -> 6;
            default -> 7;
        };
    }

    static String levelName(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "error";
            case Level.WARN_INT -> "warning";
            case Level.INFO_INT -> "info";
            default -> "debug";
        };
    }
}
