package dev.emperor.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Uses up this JVM's file descriptors (RLIMIT_NOFILE) with /dev/null channels, for tests of what
 * the daemon's code does when open() fails with EMFILE; {@link #close()} gives them all back.
 */
public final class FdFiller implements AutoCloseable {
    private final List<FileChannel> held = new ArrayList<>();

    /** Opens fds until EMFILE, then closes {@code free} of them again. */
    public static FdFiller leaving(int free) throws IOException {
        FdFiller f = new FdFiller();
        try {
            while (held(f) < 1_100_000) {
                f.held.add(FileChannel.open(Path.of("/dev/null")));
            }
            throw new IllegalStateException("no fd limit reached");
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("Too many open files")) {
                f.close();
                throw e;
            }
        }
        for (int i = 0; i < free; i++) {
            f.held.remove(f.held.size() - 1).close();
        }
        return f;
    }

    private static int held(FdFiller f) {
        return f.held.size();
    }

    /** How many fds this filler holds. */
    public int count() {
        return held.size();
    }

    @Override
    public void close() {
        for (FileChannel c : held) {
            try {
                c.close();
            } catch (IOException ignored) {
                // a /dev/null channel
            }
        }
        held.clear();
    }
}
