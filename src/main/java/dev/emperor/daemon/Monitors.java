package dev.emperor.daemon;

import dev.emperor.monitor.DirMonitor;
import dev.emperor.monitor.GlobMonitor;
import dev.emperor.source.Monitor;
import dev.emperor.source.TyrantCheck;
import dev.emperor.source.VassalNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses a monitor for every {@code emperor} value as {@code emperor_build_scanners} does:
 * {@code dir://} and {@code glob://} prefixes, else an existing directory is a dir monitor and
 * anything else a glob. Unlike uWSGI (where a missing path is a glob that matches nothing, forever),
 * a missing path that can only be a directory — no glob character, no vassal extension — is watched as
 * one: an error line at start, and its vassals start once it appears (a mount may come later;
 * README "Running it").
 */
final class Monitors {
    private Monitors() {
    }

    /** @param tyrant emperor-tyrant's ownership rules, null outside Tyrant mode */
    static List<Monitor> build(List<String> values, Path base, VassalNames names, boolean nofollow, List<String> attrs,
                               TyrantCheck tyrant) {
        return build(values, base, names, nofollow, attrs, tyrant, value -> {
            throw new IllegalArgumentException("imperial monitor pg:// needs the daemon's wiring");
        });
    }

    /** @param pg makes the monitor of a {@code pg://} value (pg/PgMonitors) */
    static List<Monitor> build(List<String> values, Path base, VassalNames names, boolean nofollow, List<String> attrs,
                               TyrantCheck tyrant, java.util.function.Function<String, Monitor> pg) {
        List<Monitor> out = new ArrayList<>();
        for (String value : values) {
            if (value.startsWith("pg://")) {
                out.add(pg.apply(value));
            } else if (value.startsWith("dir://")) {
                Path dir = base.resolve(value.substring("dir://".length()));
                if (!Files.isDirectory(dir)) {
                    throw new IllegalArgumentException("chdir(): No such file or directory: " + dir);
                }
                out.add(new DirMonitor(dir, names, nofollow, attrs, tyrant));
            } else if (value.startsWith("glob://")) {
                out.add(new GlobMonitor(value.substring("glob://".length()), base, names, nofollow, attrs, tyrant));
            } else if (Files.isDirectory(base.resolve(value)) || awaitedDirectory(value, base, names)) {
                out.add(new DirMonitor(base.resolve(value), names, nofollow, attrs, tyrant));
            } else {
                out.add(new GlobMonitor(value, base, names, nofollow, attrs, tyrant));
            }
        }
        return out;
    }

    /** A plain path that does not exist (yet) and can only be meant as a directory of vassals. */
    static boolean awaitedDirectory(String value, Path base, VassalNames names) {
        if (value.startsWith("dir://") || value.startsWith("glob://") || value.startsWith("pg://") || value.isEmpty()) {
            return false;
        }
        if (value.chars().anyMatch(c -> c == '*' || c == '?' || c == '[')) {
            return false;
        }
        Path p = base.resolve(value);
        Path name = p.getFileName();
        return !Files.exists(p) && (name == null || !names.hasVassalExtension(name.toString()));
    }
}
