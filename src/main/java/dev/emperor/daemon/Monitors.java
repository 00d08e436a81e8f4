package dev.emperor.daemon;

import dev.emperor.monitor.DirMonitor;
import dev.emperor.monitor.GlobMonitor;
import dev.emperor.source.Monitor;
import dev.emperor.source.MonitorContext;
import dev.emperor.source.MonitorKinds;
import dev.emperor.pg.PgMonitors;
import java.time.Duration;
import dev.emperor.source.VassalNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses a monitor for every {@code emperor} value as {@code emperor_build_scanners} does, through the
 * one registry of kinds ({@link MonitorKinds}): {@code pg://} (pg/PgMonitor), {@code dir://} and {@code glob://} prefixes, else an existing directory is a dir monitor and
 * anything else a glob. Unlike uWSGI (where a missing path is a glob that matches nothing, forever),
 * a missing path that can only be a directory — no glob character, no vassal extension — is watched as
 * one: an error line at start, and its vassals start once it appears (a mount may come later;
 * README "Running it").
 */
final class Monitors {
    private Monitors() {
    }

    /** The registry with this build's factories: dir, glob and plain paths (docs/architecture.md, "Vassal sources"). */
    static MonitorKinds kinds() {
        return kinds(null, Duration.ofSeconds(3));
    }

    /**
     * @param pgChannel {@code emperor-pg-channel}, null for polling only
     * @param freq      {@code emperor-freq}: a pg:// monitor's reconnections are never spaced further apart
     */
    static MonitorKinds kinds(String pgChannel, Duration freq) {
        return MonitorKinds.declared()
                .bind("pg", (value, c) -> PgMonitors.create(value, c.names(), c.tyrant(), c.base(), pgChannel, freq, c.log()))
                .bind(MonitorKinds.NO_SCHEME, Monitors::plain)
                .bind("dir", Monitors::dir)
                .bind("glob", (value, c) -> new GlobMonitor(value.substring("glob://".length()), c.base(), c.names(),
                        c.nofollow(), c.attrs(), c.tyrant()))
                // JeroMQ's classes load only when a zmq:// value is built
                .bind("zmq", (value, c) -> new dev.emperor.zmq.ZmqMonitor(value, c.names(), c.tyrant(), c.base(), c.log()))
                .complete();
    }

    /** @throws IllegalArgumentException a value that cannot be monitored (uWSGI exits 1) */
    static List<Monitor> build(List<String> values, MonitorContext context) {
        return build(values, context, null, Duration.ofSeconds(3));
    }

    /** @param pgChannel {@code emperor-pg-channel}, null for polling only */
    static List<Monitor> build(List<String> values, MonitorContext context, String pgChannel, Duration freq) {
        MonitorKinds kinds = kinds(pgChannel, freq);
        List<Monitor> out = new ArrayList<>();
        for (String value : values) {
            out.add(kinds.create(value, context));
        }
        return out;
    }

    private static Monitor dir(String value, MonitorContext c) {
        Path dir = c.base().resolve(value.substring("dir://".length()));
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("chdir(): No such file or directory: " + dir);
        }
        return new DirMonitor(dir, c.names(), c.nofollow(), c.attrs(), c.tyrant());
    }

    private static Monitor plain(String value, MonitorContext c) {
        if (Files.isDirectory(c.base().resolve(value)) || awaitedDirectory(value, c.base(), c.names())) {
            return new DirMonitor(c.base().resolve(value), c.names(), c.nofollow(), c.attrs(), c.tyrant());
        }
        return new GlobMonitor(value, c.base(), c.names(), c.nofollow(), c.attrs(), c.tyrant());
    }

    /** A plain path that does not exist (yet) and can only be meant as a directory of vassals. */
    static boolean awaitedDirectory(String value, Path base, VassalNames names) {
        if (!MonitorKinds.schemeOf(value).equals(MonitorKinds.NO_SCHEME) || value.isEmpty()) {
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
