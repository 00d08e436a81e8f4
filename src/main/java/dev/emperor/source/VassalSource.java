package dev.emperor.source;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One vassal as its monitor sees it right now (uWSGI's {@code emperor_add} arguments:
 * name, config text or none, ts, uid, gid, socket name). Two shapes (docs/architecture.md, "Vassal sources"):
 * <ul>
 * <li>file-shaped ({@code path != null}, {@code config == null}): dir and glob monitors; the vassal
 *     reads its config file itself ({@code --ini NAME}, relative to {@code cwd});</li>
 * <li>config-shaped ({@code config != null}): a monitor that holds the config text (a database
 *     row); the vassal is started with {@code --ini emperor://NAME} and reads the bytes from the
 *     config pipe (docs/wire-formats.md, "Config pipe"). {@code path} is then null.</li>
 * </ul>
 *
 * @param name           the instance name: the bare file name for a dir monitor, the glob match for a glob
 *                       monitor, the row's name for a database; its extension picks the config flag
 * @param path           absolute path of the config file (used for checks, never for the argv); null when the
 *                       source is not a file
 * @param cwd            directory the vassal is started in: the monitor's directory (so that a relative name
 *                       resolves), or the Emperor's directory for a config-shaped source, as uWSGI
 * @param mtimeNanos     the change marker, nanoseconds since the epoch: a file's full-precision mtime (uWSGI
 *                       compares whole seconds and misses a second touch within a second) or a row's ts; a
 *                       larger value reloads the vassal
 * @param uid            owner uid: a file's owner or a row's uid column (recorded; enforced only in Tyrant mode)
 * @param gid            owner gid
 * @param monitor        the monitor's argument, as the stats show it (never a password)
 * @param attrs          collected attributes ({@code emperor-collect-attr}, from the {@code [emperor]} section)
 * @param refusal        Tyrant mode: why this vassal must not be run (the complete log line), null = acceptable
 * @param onDemandSocket the on-demand socket name, null = a normal vassal. A source that knows it (a row's
 *                       socket column) sets it and it wins; for file-shaped sources it is found by
 *                       {@code monitor/OnDemandDiscovery}. Only read when a record is created (uWSGI looks it
 *                       up for new instances only)
 * @param config         the config text for the config pipe, null for a file-shaped source. Never modified
 *                       after construction (not copied: a config may be large); at most {@link #MAX_CONFIG} bytes
 */
public record VassalSource(String name, Path path, Path cwd, long mtimeNanos, int uid, int gid, String monitor,
                           Map<String, String> attrs, String refusal, String onDemandSocket, byte[] config) {

    /** A config travels as one uwsgi packet whose 16-bit size field cannot say more (docs/wire-formats.md, "Config pipe"). */
    public static final int MAX_CONFIG = 65535;

    public VassalSource {
        attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
        if (config != null && (config.length == 0 || config.length > MAX_CONFIG)) {
            throw new IllegalArgumentException("config of " + name + ": " + config.length
                    + " bytes; a config pipe carries 1 to " + MAX_CONFIG);
        }
        if (path == null && config == null) {
            throw new IllegalArgumentException(name + ": a vassal source needs a file or a config");
        }
    }

    /** A file-shaped source with its Tyrant refusal and on-demand socket (dir and glob monitors, tests). */
    public VassalSource(String name, Path path, Path cwd, long mtimeNanos, int uid, int gid, String monitor,
                        Map<String, String> attrs, String refusal, String onDemandSocket) {
        this(name, path, cwd, mtimeNanos, uid, gid, monitor, attrs, refusal, onDemandSocket, null);
    }

    public VassalSource(String name, Path path, Path cwd, long mtimeNanos, int uid, int gid, String monitor,
                        Map<String, String> attrs) {
        this(name, path, cwd, mtimeNanos, uid, gid, monitor, attrs, null, null, null);
    }

    public VassalSource(String name, Path path, Path cwd, long mtimeNanos, int uid, int gid, String monitor) {
        this(name, path, cwd, mtimeNanos, uid, gid, monitor, Map.of());
    }

    /**
     * A config-shaped source (a database row): no file, the config text for the config pipe.
     *
     * @param socket the row's on-demand socket, null (or empty, uWSGI's own bug) for a normal vassal
     */
    public static VassalSource ofConfig(String name, byte[] config, Path cwd, long changedNanos, int uid, int gid,
                                        String monitor, String socket) {
        return new VassalSource(name, null, cwd, changedNanos, uid, gid, monitor, Map.of(), null,
                socket == null || socket.isEmpty() ? null : socket, config);
    }

    /** True when the vassal reads a file (dir, glob); false when its config comes through the config pipe. */
    public boolean fileShaped() {
        return config == null;
    }

    /** The same source with an on-demand socket name (null = none). */
    public VassalSource withOnDemandSocket(String socket) {
        return new VassalSource(name, path, cwd, mtimeNanos, uid, gid, monitor, attrs, refusal, socket, config);
    }

    /** The same source refused by Tyrant mode for {@code why} (an earlier refusal is kept: it came first). */
    public VassalSource withRefusal(String why) {
        return refusal != null ? this : new VassalSource(name, path, cwd, mtimeNanos, uid, gid, monitor, attrs, why,
                onDemandSocket, config);
    }

    public long mtimeSeconds() {
        return Math.floorDiv(mtimeNanos, 1_000_000_000L);
    }

    /** What the vassal is started from, for log lines: the file, or "NAME (config from MONITOR)". */
    public String describe() {
        return path != null ? path.toString() : name + " (config from " + monitor + ")";
    }

    // a record compares arrays by identity: two scans of the same row must compare equal
    @Override
    public boolean equals(Object o) {
        return o instanceof VassalSource s && name.equals(s.name) && java.util.Objects.equals(path, s.path)
                && java.util.Objects.equals(cwd, s.cwd) && mtimeNanos == s.mtimeNanos && uid == s.uid && gid == s.gid
                && java.util.Objects.equals(monitor, s.monitor) && attrs.equals(s.attrs)
                && java.util.Objects.equals(refusal, s.refusal) && java.util.Objects.equals(onDemandSocket, s.onDemandSocket)
                && java.util.Arrays.equals(config, s.config);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, path, mtimeNanos, monitor) * 31 + java.util.Arrays.hashCode(config);
    }

    @Override
    public String toString() {
        return "VassalSource[" + name + ", " + (path != null ? path : (config.length + " config bytes")) + ", mtime "
                + mtimeNanos + ", " + uid + ":" + gid + ", " + monitor + (refusal != null ? ", refused" : "")
                + (onDemandSocket != null ? ", socket " + onDemandSocket : "") + "]";
    }
}
