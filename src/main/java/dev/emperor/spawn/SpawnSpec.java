package dev.emperor.spawn;

import dev.emperor.source.VassalSource;
import java.nio.file.Path;

/**
 * Everything one start of a vassal needs, whether it is spawned here or adopted through a fork server
 * (docs/architecture.md, "From a file event to a spawn"; uWSGI {@code uwsgi_emperor_spawn_vassal}).
 *
 * @param name       the instance name: the argv's config argument and, by its extension, the config flag
 * @param cwd        the child's working directory
 * @param uid        the owner the Tyrant trampoline drops to and the vassal log file is handed to
 * @param gid        its group
 * @param config     config bytes for the config pipe ({@code --ini emperor://NAME}, {@code UWSGI_EMPEROR_FD_CONFIG});
 *                   null for a vassal that reads its file itself. Never modified
 * @param onDemandFd the Emperor's listening socket of an on-demand vassal: fd 0 of a spawned child, the last
 *                   SCM_RIGHTS fd of a fork-server session; -1 for none. The Emperor keeps its own copy open
 * @param logFile    {@code emperor-vassal-logs}: the file for the child's stdout and stderr; null = inherited
 * @param wrapper    the vassal's own binary from its {@code emperor-wrapper-attr} attribute, null = the Emperor's
 *                   binary (docs/uwsgi-compat.md, "Vassal attributes")
 * @param chdirAttr  the value of its {@code emperor-chdir-attr} attribute, else null: {@code cwd} is then that
 *                   directory and a chdir failure the vassal's exile, as uWSGI master's child exits 26 (under
 *                   Tyrant {@code cwd} stays and the chdir is a step after the privilege drop)
 */
public record SpawnSpec(String name, Path cwd, int uid, int gid, byte[] config, int onDemandFd, Path logFile,
                        String wrapper, String chdirAttr) {

    /** A spec without attribute overrides. */
    public SpawnSpec(String name, Path cwd, int uid, int gid, byte[] config, int onDemandFd, Path logFile) {
        this(name, cwd, uid, gid, config, onDemandFd, logFile, null, null);
    }

    /**
     * This spec with the overrides of {@code attrs}: the wrapper as argv[0], the chdir directory (relative
     * to the directory the vassal would start in, as master's child chdirs from there) as its cwd.
     */
    public SpawnSpec withAttrs(VassalAttrs attrs, java.util.Map<String, String> values) {
        String w = attrs.wrapper(values);
        String dir = attrs.chdir(values);
        if (w == null && dir == null) {
            return this;
        }
        // under Tyrant the chdir is a step after the privilege drop (ChdirStep): the spawn keeps its cwd
        Path newCwd = dir == null || attrs.chdirAsOwner() ? cwd : cwd == null ? Path.of(dir) : cwd.resolve(dir);
        return new SpawnSpec(name, newCwd, uid, gid, config, onDemandFd, logFile, w, dir);
    }

    /** The spec of one start of {@code source}; {@code onDemandFd} -1 for a normal vassal. */
    public static SpawnSpec of(VassalSource source, int onDemandFd, Path logFile) {
        return new SpawnSpec(source.name(), source.cwd(), source.uid(), source.gid(), source.config(), onDemandFd, logFile);
    }

    /** True when the config travels through the config pipe rather than from a file the vassal opens. */
    public boolean viaConfigPipe() {
        return config != null;
    }

    @Override
    public String toString() {
        return "SpawnSpec[" + name + ", cwd " + cwd + ", " + uid + ":" + gid + (config != null ? ", " + config.length
                + " config bytes" : "") + (onDemandFd >= 0 ? ", on-demand fd " + onDemandFd : "")
                + (logFile != null ? ", log " + logFile : "") + (wrapper != null ? ", wrapper " + wrapper : "")
                + (chdirAttr != null ? ", chdir attr " + chdirAttr : "") + "]";
    }
}
