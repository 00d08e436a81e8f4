package dev.emperor.log;

/**
 * How this process writes its log lines, decided once at start-up (before the first vassal) and read
 * by the encoder of every line: uWSGI's plain lines or one JSON object per line ({@code log-format}),
 * and whether plain lines carry the journal's {@code <N>} priority prefix. Plain, unprefixed lines
 * until told otherwise, so that configuration errors printed before this is set look as they always did.
 */
public final class LogOutput {
    private static volatile boolean json;
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

    /** For tests. */
    static void journal(boolean on) {
        journal = on;
    }
}
