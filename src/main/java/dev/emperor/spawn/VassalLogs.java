package dev.emperor.spawn;

import dev.emperor.internal.Native;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code emperor-vassal-logs = DIR}: each spawned vassal's stdout and stderr go to {@code DIR/NAME.log}
 * (NAME = the vassal's file name, e.g. {@code app.ini.log}, so that {@code app.ini} and {@code app.xml}
 * never share a file). The Emperor opens the file itself for every spawn (O_APPEND, never through a
 * symlink, see {@link Native#openVassalLog}); under Tyrant it is handed to the vassal's owner. Without
 * the option vassals inherit the Emperor's stdout/stderr, as in uWSGI. docs/logging.md, "Vassal log files".
 */
public final class VassalLogs {
    private final Native nat;
    private final Path dir;
    private final boolean tyrant;

    public VassalLogs(Native nat, Path dir, boolean tyrant) {
        this.nat = nat;
        this.dir = dir;
        this.tyrant = tyrant;
    }

    public Path dir() {
        return dir;
    }

    /** The file of the vassal of this name. */
    public Path path(String name) {
        return dir.resolve(name + ".log");
    }

    /** Opens the spec's log file for one spawn; the caller closes its copy once the child has it. */
    int open(SpawnSpec spec) throws Spawner.SpawnFailure {
        Path path = spec.logFile() != null ? spec.logFile() : path(spec.name());
        try {
            return tyrant ? nat.openVassalLog(path.toString(), spec.uid(), spec.gid()) : nat.openVassalLog(path.toString(), -1, -1);
        } catch (IOException | RuntimeException e) {
            throw new Spawner.SpawnFailure("emperor-vassal-logs: cannot open " + path + ": " + reason(e), false);
        }
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return String.valueOf(e.getMessage());
    }
}
