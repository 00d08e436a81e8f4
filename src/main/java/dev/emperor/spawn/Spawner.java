package dev.emperor.spawn;

import dev.emperor.internal.Native;
import dev.emperor.internal.SpawnException;
import dev.emperor.internal.SpawnRequest;
import dev.emperor.source.VassalSource;
import java.nio.file.Path;
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
    /** Zerg instances started so far: their {@code UWSGI_BROODLORD_NUM}. */
    private long zergStarts;
    /** The fd the vassal finds its emperor pipe on ({@code UWSGI_EMPEROR_FD}). */
    public static final int EMPEROR_FD = 3;

    private final Native nat;
    private final ArgvBuilder argvBuilder;
    private final BinaryResolver binaries;
    private final VassalEnvironment environment;
    private final Trampoline trampoline;
    private final List<Integer> safeFds;
    private VassalLogs logs;
    private dev.emperor.log.Log log;
    private VassalAttrs attrs = VassalAttrs.NONE;

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

    /** {@code emperor-wrapper-attr}, {@code emperor-chdir-attr}: which collected attributes change a start. */
    public Spawner attrs(VassalAttrs attrs) {
        this.attrs = attrs;
        return this;
    }

    /** Where a failed config push is logged (with the vassal's name); null = nowhere (tests). */
    public Spawner log(dev.emperor.log.Log log) {
        this.log = log;
        return this;
    }

    /**
     * A started vassal: its pid, the Emperor's end of the pipe (non-blocking, close-on-exec) and of the
     * config pipe (-1 when the vassal reads a file; its config was pushed already).
     */
    public record Spawned(int pid, int pipeFd, int configFd, List<String> argv) {
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

    /**
     * The spec of one start of {@code source}: its owner, cwd, config bytes, log file.
     *
     * @param onDemandFd the Emperor's listening socket of an on-demand vassal, -1 for none
     */
    public SpawnSpec spec(VassalSource source, int onDemandFd) {
        Path logFile = logs == null ? null : logs.path(source.name());
        return SpawnSpec.of(source, onDemandFd, logFile).withAttrs(attrs, source.attrs());
    }

    /**
     * Spawns {@code spec}: the emperor pipe on fd 3, the on-demand socket (if any) on fd 0 by a file
     * action instead of /dev/null (uWSGI then uses stdin as its socket), the log file on 1 and 2, and
     * for a config-pipe vassal the config pipe on the next free fd, its config pushed at once
     * (docs/wire-formats.md, "Config pipe").
     */
    public Spawned spawn(SpawnSpec spec) throws SpawnFailure {
        BinaryResolver binaries = binariesFor(spec);
        BinaryResolver.Resolved bin = binaries.resolve(environment.get("PATH"));
        if (bin == null) {
            throw new SpawnFailure("no executable among " + binaries.candidates()
                    + ": is the uwsgi binary in your system PATH ?", true);
        }
        List<String> argv = argvBuilder.build(bin.executable(), spec);
        int logFd = logs == null ? -1 : logs.open(spec); // before the pipe: a refused log file leaves nothing open
        int[] pair;
        int[] config = null;
        try {
            pair = nat.socketpair();
            config = configPair(spec, pair);
        } catch (RuntimeException e) {
            closeLog(logFd);
            throw e;
        }
        int ours = pair[0];
        int theirs = pair[1];
        int childFd = nextFree(EMPEROR_FD, -1);
        Map<Integer, Integer> fds = new LinkedHashMap<>();
        fds.put(childFd, theirs);
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("UWSGI_EMPEROR_FD", Integer.toString(childFd));
        if (spec.name().endsWith(":zerg")) {
            // uWSGI's emperor_broodlord_num: zerg starts since the Emperor started (docs/uwsgi-compat.md, "Broodlord")
            extra.put("UWSGI_BROODLORD_NUM", Long.toString(++zergStarts));
        }
        if (config != null) {
            int childConfigFd = nextFree(childFd + 1, childFd);
            fds.put(childConfigFd, config[1]);
            extra.put(ConfigPipe.ENV, Integer.toString(childConfigFd));
        }
        if (spec.onDemandFd() >= 0) {
            fds.put(0, spec.onDemandFd());
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
        List<String> env = environment.forChild(extra);
        List<String> execArgv = trampoline.argv(argv, spec.uid(), spec.gid(), spec);
        boolean chdirStep = spec.chdirAttr() != null && attrs.chdirAsOwner();
        if (chdirStep) {
            execArgv = ChdirStep.insert(execArgv, argv, spec.chdirAttr());
        }
        String executable = execArgv.get(0);
        int pid;
        try {
            pid = spawnPassingCaps(new SpawnRequest(executable, execArgv, env, spec.cwd().toString(), fds, true));
        } catch (SpawnException e) {
            nat.close(ours);
            nat.close(theirs);
            closeConfig(config);
            closeLog(logFd);
            if (spec.chdirAttr() != null && !chdirStep && ChdirFailure.isChdirErrno(e.errno())) {
                // posix_spawn's chdir action failed in the child before exec: master's child exits 26 there
                throw new SpawnFailure(ChdirFailure.message(spec, nat.strerror(e.errno())), true, e.errno());
            }
            throw new SpawnFailure("posix_spawn of " + executable + " failed: " + e.getMessage(), e.errno() == Native.ENOENT,
                    e.errno());
        }
        nat.close(theirs);
        closeLog(logFd);
        nat.setNonBlocking(ours);
        if (config != null) {
            nat.close(config[1]);
        }
        return new Spawned(pid, ours, configEnd(spec, config), argv);
    }

    /** The Emperor's binaries, with the vassal's {@code emperor-wrapper-attr} wrapper in the primary's place. */
    private BinaryResolver binariesFor(SpawnSpec spec) {
        return spec.wrapper() == null ? binaries : binaries.withPrimary(spec.wrapper());
    }

    /**
     * Ambient capabilities live on this thread only while it spawns a vassal: no other program it
     * starts (hooks, on-demand commands, an upgrade's exec) inherits them (docs/capabilities.md).
     */
    private int spawnPassingCaps(SpawnRequest request) throws SpawnException {
        long caps = trampoline.passedCaps();
        if (caps == 0) {
            return nat.spawn(request);
        }
        try {
            nat.setAmbientCapabilities(caps);
        } catch (dev.emperor.internal.NativeException e) {
            throw new SpawnException("cannot pass the kept capabilities to the trampoline: " + e.getMessage(), e.errno());
        }
        try {
            return nat.spawn(request);
        } finally {
            nat.setAmbientCapabilities(0);
        }
    }

    /** The first fd from {@code from} that is neither an {@code emperor-safe-fd} nor {@code taken}. */
    private int nextFree(int from, int taken) {
        int fd = from;
        while (safeFds.contains(fd) || fd == taken) {
            fd++;
        }
        return fd;
    }

    /** The Emperor's end of the config pipe, non-blocking and with the first push written; -1 without one. */
    private int configEnd(SpawnSpec spec, int[] config) {
        if (config == null) {
            return -1;
        }
        nat.setNonBlocking(config[0]);
        pushFirst(spec, config[0]);
        return config[0];
    }

    /** The push right after the start; a failure is the vassal's (it exits on a missing config), not the spawn's. */
    private void pushFirst(SpawnSpec spec, int configFd) {
        String failed = ConfigPipe.push(nat, configFd, spec.config());
        if (failed != null && log != null) {
            log.error("[uwsgi-emperor] " + spec.name() + ": pushing its config: " + failed);
        }
    }

    private void closeConfig(int[] config) {
        if (config != null) {
            nat.close(config[0]);
            nat.close(config[1]);
        }
    }

    private void closeLog(int fd) {
        if (fd >= 0) {
            nat.close(fd); // the child has its own copies on 1 and 2
        }
    }

    /** An adoption under way: the Emperor's pipe ends and the session, or "wait for the base", or an error. */
    public record Adoption(int pipeFd, int configFd, ForkServerSession session, boolean waitForBase, String error) {
    }

    /**
     * The config pipe of a config-shaped vassal (docs/wire-formats.md, "Config pipe"), null for a file;
     * when it cannot be made, the emperor pipe {@code pair} is closed too.
     */
    private int[] configPair(SpawnSpec spec, int[] pair) {
        if (!spec.viaConfigPipe()) {
            return null;
        }
        try {
            return nat.socketpair();
        } catch (RuntimeException e) {
            nat.close(pair[0]);
            nat.close(pair[1]);
            throw e;
        }
    }

    /**
     * Asks the fork server on {@code socket} to fork this vassal (docs/wire-formats.md, "Fork-server session"): the
     * same argv a plain spawn would exec, the child end of a fresh emperor pipe as SCM_RIGHTS, then the child
     * end of the config pipe (a config-pipe vassal, modifier2 |= 0x02; its config is pushed at once and waits
     * in the socket) and the on-demand socket (modifier2 |= 0x04). Our copies of the child ends are closed
     * once sent, as uWSGI does after its session. The fork-server protocol carries no stdout/stderr: an
     * adopted vassal writes where its base does (with {@code emperor-vassal-logs}, into the base's own log
     * file; docs/logging.md).
     */
    public Adoption adopt(SpawnSpec spec, String socket, long deadline) {
        BinaryResolver binaries = binariesFor(spec);
        BinaryResolver.Resolved bin = binaries.resolve(environment.get("PATH"));
        String argv0 = bin != null ? bin.executable() : binaries.primary();
        List<String> argv = argvBuilder.build(argv0, spec);
        int[] pair = nat.socketpair();
        int[] config = configPair(spec, pair);
        int ours = pair[0];
        int theirs = pair[1];
        ForkServerSession.Opened o = ForkServerSession.open(nat, socket, argv, deadline, theirs,
                config == null ? -1 : config[1], spec.onDemandFd());
        nat.close(theirs);
        if (config != null) {
            nat.close(config[1]);
        }
        if (o.session() == null) {
            nat.close(ours);
            if (config != null) {
                nat.close(config[0]);
            }
            return new Adoption(-1, -1, null, o.waitForBase(), o.error());
        }
        nat.setNonBlocking(ours);
        return new Adoption(ours, configEnd(spec, config), o.session(), false, null);
    }
}
