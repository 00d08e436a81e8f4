package dev.emperor.log;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Is stderr connected to the systemd journal? systemd sets {@code $JOURNAL_STREAM} to
 * "DEVICE:INODE" of the stream it gave the service; it is inherited by children whose stderr may
 * point elsewhere (a shell redirect, {@code logto}), so it only counts when those numbers are the
 * ones of our fd 2 (sd-daemon's documented check; docs/logging.md, "Journal priorities").
 */
public final class JournalStream {

    private JournalStream() {
    }

    /** True when {@code journalStream} names the file open on our fd 2 right now. */
    public static boolean isStderr(String journalStream) {
        return matches(journalStream, Path.of("/proc/self/fd/2"));
    }

    /** True when {@code journalStream} ("DEV:INODE", decimal) names the file {@code path} resolves to. */
    static boolean matches(String journalStream, Path path) {
        if (journalStream == null) {
            return false;
        }
        int colon = journalStream.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        try {
            long dev = Long.parseUnsignedLong(journalStream.substring(0, colon).trim());
            long ino = Long.parseUnsignedLong(journalStream.substring(colon + 1).trim());
            // stat() through /proc/self/fd/2 gives the open file's own device and inode, sockets included
            Object statDev = Files.getAttribute(path, "unix:dev");
            Object statIno = Files.getAttribute(path, "unix:ino");
            return statDev instanceof Long d && statIno instanceof Long i && d == dev && i == ino;
        } catch (UnsupportedOperationException | IllegalArgumentException
                 | java.io.IOException | SecurityException e) {
            return false; // unreadable or malformed: not provably the journal, so plain lines
        }
    }
}
