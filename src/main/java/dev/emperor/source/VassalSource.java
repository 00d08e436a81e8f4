package dev.emperor.source;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One vassal config as a monitor sees it right now.
 *
 * @param name       the instance name: the bare file name for a dir monitor, the glob match for a glob monitor
 * @param path       absolute path of the config (used for checks, never for the argv)
 * @param cwd        directory the vassal is started in, so that the relative {@code name} resolves
 * @param mtimeNanos full-precision mtime (uWSGI compares whole seconds and misses a second touch within a second)
 * @param uid        owner uid (recorded; enforced only in Tyrant mode)
 * @param gid        owner gid
 * @param monitor    the monitor's argument, as the stats show it
 * @param attrs      collected attributes ({@code emperor-collect-attr}, from the {@code [emperor]} section)
 * @param refusal    Tyrant mode: why this file must not be run (the complete log line), null = acceptable
 * @param onDemandSocket the on-demand socket name found for it ({@link OnDemandDiscovery}), null = a normal vassal;
 *                   only read when a record is created (uWSGI looks it up for new instances only)
 */
public record VassalSource(String name, Path path, Path cwd, long mtimeNanos, int uid, int gid, String monitor,
                         Map<String, String> attrs, String refusal, String onDemandSocket) {

    public VassalSource {
        attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
    }

    public VassalSource(String name, Path path, Path cwd, long mtimeNanos, int uid, int gid, String monitor,
                      Map<String, String> attrs) {
        this(name, path, cwd, mtimeNanos, uid, gid, monitor, attrs, null, null);
    }

    /** The same file with an on-demand socket name (null = none). */
    public VassalSource withOnDemandSocket(String socket) {
        return new VassalSource(name, path, cwd, mtimeNanos, uid, gid, monitor, attrs, refusal, socket);
    }

    /** The same file refused by Tyrant mode for {@code why} (an earlier refusal is kept: it came first). */
    public VassalSource withRefusal(String why) {
        return refusal != null ? this : new VassalSource(name, path, cwd, mtimeNanos, uid, gid, monitor, attrs, why, onDemandSocket);
    }

    public VassalSource(String name, Path path, Path cwd, long mtimeNanos, int uid, int gid, String monitor) {
        this(name, path, cwd, mtimeNanos, uid, gid, monitor, Map.of());
    }

    public long mtimeSeconds() {
        return Math.floorDiv(mtimeNanos, 1_000_000_000L);
    }
}
