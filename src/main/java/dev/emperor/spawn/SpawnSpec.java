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
 */
public record SpawnSpec(String name, Path cwd, int uid, int gid, byte[] config, int onDemandFd, Path logFile) {

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
                + (logFile != null ? ", log " + logFile : "") + "]";
    }
}
