package dev.emperor.source;

import java.nio.file.Path;
import java.util.Set;

/**
 * A source of vassals. It only answers "which vassals exist now?"; it never spawns anything and
 * keeps no state about instances (docs/uwsgi-compat.md, "Monitors"; monitors → core, one way: docs/architecture.md, "From a file event to a spawn").
 */
public interface Monitor {

    /** The argument as the stats show it ({@code monitor} field, {@code emperor} list). */
    String argument();

    /** A full scan; called from the scanner thread only. */
    ScanResult scan();

    /** Directories whose changes should trigger a scan at once (inotify). */
    Set<Path> watchDirectories();
}
