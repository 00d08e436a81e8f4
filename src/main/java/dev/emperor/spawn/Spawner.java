package dev.emperor.spawn;

import dev.emperor.internal.Native;
import dev.emperor.internal.SpawnException;
import dev.emperor.internal.SpawnRequest;
import dev.emperor.source.VassalSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a vassal the way uWSGI's child recipe does (docs/uwsgi-compat.md, "Spawn recipe"), with posix_spawn instead
 * of fork: a socketpair for the emperor pipe whose child end sits on a fixed fd, stdin on
 * /dev/null, every other fd closed, a new session, signal mask and dispositions reset, cwd = the
 * monitor's directory. The parent-death signal, which posix_spawn cannot set, the Tyrant
 * privilege drop, the bounding set and namespaces come from exec trampolines ({@link Trampoline}).
 */
public final class Spawner {
    /** The fd the vassal finds its emperor pipe on ({@code UWSGI_EMPEROR_FD}). */
    public static final int EMPEROR_FD = 3;

    private final Native nat;
    private final ArgvBuilder argvBuilder;
    private final BinaryResolver binaries;
    private final VassalEnvironment environment;
    private final Trampoline trampoline;
    private final List<Integer> safeFds;
    private VassalLogs logs;

    /** @param trampoline the exec chain in front of uwsgi (parent-death signal, Tyrant, caps, namespaces) */
    public Spawner(Native nat, ArgvBuilder argvBuilder, BinaryResolver binaries, VassalEnvironment environment,
                   List<Integer> safeFds, Trampoline trampoline) {
        this.nat = nat;
        this.argvBuilder = argvBuilder;
        this.binaries = binaries;
        this.environment = environment;
        this.trampoline = trampoline;
        this.safeFds = List.copyOf(safeFds);
    }

    /** {@code emperor-vassal-logs}: stdout and stderr of every spawned vassal go to its own file; null = inherited. */
    public Spawner vassalLogs(VassalLogs logs) {
        this.logs = logs;
        return this;
    }

    /** A started vassal: its pid and the Emperor's end of the pipe (non-blocking, close-on-exec). */
    public record Spawned(int pid, int pipeFd, List<String> argv) {
    }

    /** Why a spawn did not happen. {@code exile}: no binary could be found (uWSGI's child exits 26). */
    public static final class SpawnFailure extends Exception {
        private final boolean exile;
        private final int errno;

        SpawnFailure(String message, boolean exile) {
            this(message, exile, 0);
        }

        SpawnFailure(String message, boolean exile, int errno) {
            super(message);
            this.exile = exile;
            this.errno = errno;
        }

        public boolean exile() {
            return exile;
        }

        /** The errno of the failed call (posix_spawn's EAGAIN, ENOMEM ...), 0 when none. */
        public int errno() {
            return errno;
        }
    }

    public Spawned spawn(VassalSource file) throws SpawnFailure {
        return spawn(file, -1);
    }

    /**
     * @param onDemandFd the Emperor's listening socket of an on-demand vassal, dup2ed to the child's
     *                   fd 0 by a file action instead of /dev/null (uWSGI then uses stdin as its
     *                   socket); -1 for none. The Emperor keeps its own copy open.
     */
    public Spawned spawn(VassalSource file, int onDemandFd) throws SpawnFailure {
        BinaryResolver.Resolved bin = binaries.resolve(environment.get("PATH"));
        if (bin == null) {
            throw new SpawnFailure("no executable among " + binaries.candidates()
                    + ": is the uwsgi binary in your system PATH ?", true);
        }
        List<String> argv = argvBuilder.build(bin.executable(), file.name(), null);
        int logFd = logs == null ? -1 : logs.open(file); // before the pipe: a refused log file leaves nothing open
        int[] pair = nat.socketpair();
        int ours = pair[0];
        int theirs = pair[1];
        int childFd = EMPEROR_FD;
        while (safeFds.contains(childFd)) {
            childFd++;
        }
        Map<Integer, Integer> fds = new LinkedHashMap<>();
        fds.put(childFd, theirs);
        if (onDemandFd >= 0) {
            fds.put(0, onDemandFd);
        }
        if (logFd >= 0) {
            fds.put(1, logFd); // dup2 by a file action: the child's stdout and stderr share one O_APPEND description
            fds.put(2, logFd);
        }
        for (int fd : safeFds) {
            if (fd > 2) {
                fds.put(fd, fd);
            }
        }
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("UWSGI_EMPEROR_FD", Integer.toString(childFd));
        List<String> env = environment.forChild(extra);
        List<String> execArgv = trampoline.argv(argv, file.uid(), file.gid());
        String executable = execArgv.get(0);
        int pid;
        try {
            pid = nat.spawn(new SpawnRequest(executable, execArgv, env, file.cwd().toString(), fds, true));
        } catch (SpawnException e) {
            nat.close(ours);
            nat.close(theirs);
            closeLog(logFd);
            throw new SpawnFailure("posix_spawn of " + executable + " failed: " + e.getMessage(), e.errno() == Native.ENOENT,
                    e.errno());
        }
        nat.close(theirs);
        closeLog(logFd);
        nat.setNonBlocking(ours);
        return new Spawned(pid, ours, argv);
    }

    private void closeLog(int fd) {
        if (fd >= 0) {
            nat.close(fd); // the child has its own copies on 1 and 2
        }
    }

    /** An adoption under way: the Emperor's pipe end and the session, or "wait for the base", or an error. */
    public record Adoption(int pipeFd, ForkServerSession session, boolean waitForBase, String error) {
    }

    /**
     * Asks the fork server on {@code socket} to fork this vassal (docs/wire-formats.md, "Fork-server session"): the
     * same argv a plain spawn would exec, the child end of a fresh emperor pipe as SCM_RIGHTS. Our
     * copy of the child end is closed once sent, as uWSGI does after its session. An on-demand socket
     * ({@code onDemandFd} &ge; 0; -1 for none) travels as the third fd, modifier2 |= 0x04. The fork-server
     * protocol carries no stdout/stderr: an adopted vassal writes where its base does (with
     * {@code emperor-vassal-logs}, into the base's own log file; docs/logging.md).
     */
    public Adoption adopt(VassalSource file, String socket, long deadline, int onDemandFd) {
        BinaryResolver.Resolved bin = binaries.resolve(environment.get("PATH"));
        String argv0 = bin != null ? bin.executable() : binaries.primary();
        List<String> argv = argvBuilder.build(argv0, file.name(), null);
        int[] pair = nat.socketpair();
        int ours = pair[0];
        int theirs = pair[1];
        ForkServerSession.Opened o = onDemandFd >= 0
                ? ForkServerSession.open(nat, socket, argv, ForkServerSession.PIPE | ForkServerSession.ON_DEMAND, deadline,
                        theirs, onDemandFd)
                : ForkServerSession.open(nat, socket, argv, ForkServerSession.PIPE, deadline, theirs);
        nat.close(theirs);
        if (o.session() == null) {
            nat.close(ours);
            return new Adoption(-1, null, o.waitForBase(), o.error());
        }
        nat.setNonBlocking(ours);
        return new Adoption(ours, o.session(), false, null);
    }
}
