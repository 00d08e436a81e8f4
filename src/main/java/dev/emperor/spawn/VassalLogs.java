package dev.emperor.spawn;

import dev.emperor.internal.Native;
import dev.emperor.source.VassalSource;
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

    /** The file of this vassal. */
    public Path path(VassalSource file) {
        return dir.resolve(file.name() + ".log");
    }

    /** Opens it for one spawn; the caller closes its copy once the child has it. */
    int open(VassalSource file) throws Spawner.SpawnFailure {
        Path path = path(file);
        try {
            return tyrant ? nat.openVassalLog(path.toString(), file.uid(), file.gid()) : nat.openVassalLog(path.toString(), -1, -1);
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
