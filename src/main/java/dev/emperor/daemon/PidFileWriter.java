package dev.emperor.daemon;

import dev.emperor.config.LoadResult.PidFiles;
import dev.emperor.core.EmperorLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * uWSGI's {@code pidfile}/{@code pidfile2} for the Emperor process itself, as an init script
 * (Debian's uwsgi-emperor one among them) uses them: the pid and a newline, the first written
 * before privileges are dropped and the second after, each failure fatal at start as in uWSGI;
 * removed at exit only with {@code vacuum} (docs/uwsgi-compat.md, "Emperor pidfiles").
 */
public final class PidFileWriter {
    private final PidFiles files;
    private final Path cwd;
    private final long pid;
    private final EmperorLog log;

    public PidFileWriter(PidFiles files, Path cwd, long pid, EmperorLog log) {
        this.files = files;
        this.cwd = cwd;
        this.pid = pid;
        this.log = log;
    }

    /** {@code pidfile}, before privileges are dropped. */
    public void writeFirst() throws ProcessSetup.SetupException {
        write(files.pidfile(), "pidfile");
    }

    /** {@code pidfile2}, after privileges are dropped. */
    public void writeSecond() throws ProcessSetup.SetupException {
        write(files.pidfile2(), "pidfile2");
    }

    /** At exit: with {@code vacuum}, remove what was written. */
    public void vacuum() {
        if (!files.vacuum()) {
            return;
        }
        remove(files.pidfile(), "pidfile");
        remove(files.pidfile2(), "pidfile2");
    }

    private void write(String name, String option) throws ProcessSetup.SetupException {
        if (name == null) {
            return;
        }
        Path path = cwd.resolve(name);
        try {
            writePid(path, pid, log);
        } catch (IOException e) {
            throw new ProcessSetup.SetupException(option + " " + path + ": cannot write it: " + e);
        }
    }

    /** The pid and a newline, announced as uWSGI does; also {@code emperor-pidfile}'s writer. */
    static void writePid(Path path, long pid, EmperorLog log) throws IOException {
        log.plain("writing pidfile to " + path);
        Files.writeString(path, pid + "\n", StandardCharsets.US_ASCII);
    }

    private void remove(String name, String option) {
        if (name == null) {
            return;
        }
        try {
            if (Files.deleteIfExists(cwd.resolve(name))) {
                log.plain("VACUUM: " + option + " removed.");
            }
        } catch (IOException e) {
            log.warn("VACUUM: cannot remove " + option + " " + cwd.resolve(name) + ": " + e);
        }
    }
}
