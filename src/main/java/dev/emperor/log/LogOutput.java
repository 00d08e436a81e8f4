package dev.emperor.log;

/**
 * How this process writes its log lines, decided once at start-up (before the first vassal) and read
 * by the encoder of every line: uWSGI's plain lines or one JSON object per line ({@code log-format}),
 * and whether plain lines carry the journal's {@code <N>} priority prefix. Plain, unprefixed lines
 * until told otherwise, so that configuration errors printed before this is set look as they always did.
 */
public final class LogOutput {
    private static volatile boolean json;
    /** Lines logged while the configuration is read, before log-format is known; null when not holding. */
    private static java.util.List<ch.qos.logback.classic.spi.ILoggingEvent> held;
    private static final int MAX_HELD = 10_000;
    private static volatile boolean journal = JournalStream.isStderr(System.getenv("JOURNAL_STREAM"));

    private LogOutput() {
    }

    /** {@code log-format = json}. */
    public static void useJson(boolean on) {
        json = on;
    }

    public static boolean json() {
        return json;
    }

    /** Whether plain lines get the journal's priority prefix. */
    public static boolean journal() {
        return journal;
    }

    /**
     * Checks again whether fd 2 is the journal: after {@code logto}/{@code daemonize} moved it, a
     * {@code $JOURNAL_STREAM} inherited from systemd no longer describes it.
     */
    public static void recheckJournal() {
        journal = JournalStream.isStderr(System.getenv("JOURNAL_STREAM"));
    }

    /**
     * Holds every line from now on until {@link #release}: the lines written while the configuration
     * is read (its file names, warnings) come out in the format that configuration asks for.
     */
    public static synchronized void hold() {
        held = new java.util.ArrayList<>();
    }

    /** Sets the format and writes the held lines in it, to stderr; then lines flow again. */
    public static void release(boolean useJson) {
        java.util.List<ch.qos.logback.classic.spi.ILoggingEvent> lines;
        synchronized (LogOutput.class) {
            json = useJson;
            lines = held;
            held = null;
        }
        if (lines == null) {
            return;
        }
        OperatorEncoder encoder = new OperatorEncoder();
        for (ch.qos.logback.classic.spi.ILoggingEvent e : lines) {
            byte[] b = encoder.format(e);
            System.err.write(b, 0, b.length);
        }
        System.err.flush();
    }

    /** True (and the line kept) while holding; false when the line is to be written now. */
    static synchronized boolean held(ch.qos.logback.classic.spi.ILoggingEvent event) {
        if (held == null) {
            return false;
        }
        if (held.size() < MAX_HELD) {
            event.prepareForDeferredProcessing();
            held.add(event);
        }
        return true;
    }

    /** For tests. */
    static void journal(boolean on) {
        journal = on;
    }
}
