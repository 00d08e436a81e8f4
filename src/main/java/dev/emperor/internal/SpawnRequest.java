package dev.emperor.internal;

import java.util.List;
import java.util.Map;

/**
 * What posix_spawn needs to start a child without running Java code in it.
 *
 * @param executable absolute path of the program (the caller resolves PATH itself)
 * @param argv       argv including argv[0]
 * @param env        the child's whole environment, "KEY=VALUE" entries
 * @param cwd        working directory of the child (posix_spawn_file_actions_addchdir_np), null = inherit
 * @param fds        target fd number in the child → fd in the parent; fd 0 not listed here is opened on /dev/null,
 *                   fds 1 and 2 not listed are inherited, every other fd is closed (addclosefrom_np)
 * @param newSession setsid() in the child (POSIX_SPAWN_SETSID)
 * @param blockedSignals the child's signal mask (bit n-1 = signal n): 0 for vassals and helpers, which
 *                   must start with nothing blocked; the daemonized copy of the Emperor itself keeps the
 *                   launcher's block (see core/Signals)
 */
public record SpawnRequest(String executable, List<String> argv, List<String> env, String cwd,
                           Map<Integer, Integer> fds, boolean newSession, long blockedSignals) {
    public SpawnRequest {
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        fds = Map.copyOf(fds);
    }

    /** A child that starts with an empty signal mask (every vassal and helper). */
    public SpawnRequest(String executable, List<String> argv, List<String> env, String cwd,
                        Map<Integer, Integer> fds, boolean newSession) {
        this(executable, argv, env, cwd, fds, newSession, 0);
    }
}
