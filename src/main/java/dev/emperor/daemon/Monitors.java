package dev.emperor.daemon;

import dev.emperor.monitor.DirMonitor;
import dev.emperor.monitor.GlobMonitor;
import dev.emperor.monitor.Monitor;
import dev.emperor.monitor.TyrantCheck;
import dev.emperor.monitor.VassalNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses a monitor for every {@code emperor} value as {@code emperor_build_scanners} does:
 * {@code dir://} and {@code glob://} prefixes, else an existing directory is a dir monitor and
 * anything else a glob (a missing path is a glob that matches nothing, as in uWSGI).
 */
final class Monitors {
    private Monitors() {
    }

    /** @param tyrant emperor-tyrant's ownership rules, null outside Tyrant mode */
    static List<Monitor> build(List<String> values, Path base, VassalNames names, boolean nofollow, List<String> attrs,
                               TyrantCheck tyrant) {
        List<Monitor> out = new ArrayList<>();
        for (String value : values) {
            if (value.startsWith("dir://")) {
                Path dir = base.resolve(value.substring("dir://".length()));
                if (!Files.isDirectory(dir)) {
                    throw new IllegalArgumentException("chdir(): No such file or directory: " + dir);
                }
                out.add(new DirMonitor(dir, names, nofollow, attrs, tyrant));
            } else if (value.startsWith("glob://")) {
                out.add(new GlobMonitor(value.substring("glob://".length()), base, names, nofollow, attrs, tyrant));
            } else if (Files.isDirectory(base.resolve(value))) {
                out.add(new DirMonitor(base.resolve(value), names, nofollow, attrs, tyrant));
            } else {
                out.add(new GlobMonitor(value, base, names, nofollow, attrs, tyrant));
            }
        }
        return out;
    }
}
