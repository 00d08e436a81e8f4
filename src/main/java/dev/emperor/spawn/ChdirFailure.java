package dev.emperor.spawn;

/**
 * A failed {@code emperor-chdir-attr} chdir (docs/uwsgi-compat.md, "Vassal attributes"). uWSGI master's child
 * logs {@code --emperor-chdir-attr/chdir(): ...} and exits 26 (exile: not respawned until its config changes);
 * here the chdir is posix_spawn's file action, whose failure comes back as the spawn's errno with no child,
 * and the vassal is exiled the same way.
 */
final class ChdirFailure {
    private static final int ENOENT = 2;
    private static final int EACCES = 13;
    private static final int ENOTDIR = 20;
    private static final int ELOOP = 40;
    private static final int ENAMETOOLONG = 36;

    private ChdirFailure() {
    }

    /** The errnos chdir(2) gives for a directory that cannot be entered (not EIO or ENOMEM: those are the host's). */
    static boolean isChdirErrno(int errno) {
        return errno == ENOENT || errno == EACCES || errno == ENOTDIR || errno == ELOOP || errno == ENAMETOOLONG;
    }

    static String message(SpawnSpec spec, String reason) {
        return "--emperor-chdir-attr/chdir(): " + reason + " [" + spec.cwd() + "] (exiled as uWSGI's child exits 26)";
    }
}
