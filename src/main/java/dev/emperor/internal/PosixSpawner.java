package dev.emperor.internal;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * posix_spawn with the child recipe (docs/uwsgi-compat.md, "Spawn recipe") that can be expressed as file actions and
 * attributes: fds placed at fixed numbers, fd 0 on /dev/null, every other fd closed, an explicit
 * cwd, an empty signal mask, default dispositions, optionally a new session. No Java code runs in
 * the child (glibc uses clone(CLONE_VM|CLONE_VFORK) and execs at once), which is why a JVM can use
 * it safely where fork() cannot.
 *
 * <p>Not thread-safe by itself: {@link #spawn} is synchronized because it reuses one native
 * scratch block. Spawn from a single long-lived thread anyway, so that PR_SET_PDEATHSIG trampolines
 * (setpriv --pdeathsig) stay tied to a thread that lives as long as the daemon.
 */
final class PosixSpawner {
    private static final int PTR = 8;
    private static final byte[] DEV_NULL = cString("/dev/null");

    private final LibC c;
    private final Runtime rt;
    /** Reused native memory; grown on demand, freed by jnr when unreachable. */
    private Pointer scratch;

    PosixSpawner(LibC c, Runtime rt) {
        if (rt.addressSize() != PTR) {
            throw new UnsupportedOperationException("only LP64 platforms are supported");
        }
        this.c = c;
        this.rt = rt;
    }

    synchronized int spawn(SpawnRequest r) throws SpawnException {
        if (!r.executable().startsWith("/")) {
            throw new IllegalArgumentException("executable must be an absolute path: " + r.executable());
        }
        // Encode everything first so that one native block of the right size can hold it all.
        byte[] exe = cString(r.executable());
        byte[] cwd = r.cwd() == null ? null : cString(r.cwd());
        List<byte[]> argv = encodeAll(r.argv());
        List<byte[]> env = encodeAll(r.env());
        long strings = exe.length + DEV_NULL.length + (cwd == null ? 0 : cwd.length);
        for (byte[] s : argv) strings += s.length;
        for (byte[] s : env) strings += s.length;
        long fixed = LibC.SIZEOF_FILE_ACTIONS + LibC.SIZEOF_SPAWNATTR + 2L * LibC.SIZEOF_SIGSET;
        long arrays = (long) (argv.size() + 1 + env.size() + 1) * PTR;
        Pointer mem = scratch(fixed + arrays + strings);

        Pointer fa = mem.slice(0, LibC.SIZEOF_FILE_ACTIONS);
        long off = LibC.SIZEOF_FILE_ACTIONS;
        Pointer attr = mem.slice(off, LibC.SIZEOF_SPAWNATTR);
        off += LibC.SIZEOF_SPAWNATTR;
        Pointer emptySet = mem.slice(off, LibC.SIZEOF_SIGSET);
        off += LibC.SIZEOF_SIGSET;
        Pointer fullSet = mem.slice(off, LibC.SIZEOF_SIGSET);
        off += LibC.SIZEOF_SIGSET;
        Pointer argvArray = mem.slice(off);
        off += (long) (argv.size() + 1) * PTR;
        Pointer envArray = mem.slice(off);
        off += (long) (env.size() + 1) * PTR;
        // Strings after the aligned part; each pointer array ends with NULL (char *const argv[]).
        StringArea area = new StringArea(mem, off);
        Pointer exePtr = area.put(exe);
        Pointer devNull = area.put(DEV_NULL);
        Pointer cwdPtr = cwd == null ? null : area.put(cwd);
        area.fillArray(argvArray, argv);
        area.fillArray(envArray, env);

        check("posix_spawn_file_actions_init", c.posix_spawn_file_actions_init(fa));
        try {
            addFileActions(fa, r.fds(), devNull, cwdPtr);
            check("posix_spawnattr_init", c.posix_spawnattr_init(attr));
            try {
                // Java threads run with SIGQUIT blocked (and, under the launcher, INT, TERM and HUP)
                // and the child would inherit that mask; uWSGI relies on those signals, so a vassal
                // starts with an empty mask. Only the daemonized Emperor keeps the launcher's block.
                check("sigemptyset", c.sigemptyset(emptySet) == 0 ? 0 : rt.getLastError());
                emptySet.putLong(0, r.blockedSignals());
                check("posix_spawnattr_setsigmask", c.posix_spawnattr_setsigmask(attr, emptySet));
                // Ignored dispositions survive exec (e.g. SIGHUP under nohup): reset all of them.
                check("sigfillset", c.sigfillset(fullSet) == 0 ? 0 : rt.getLastError());
                // glibc's sigfillset leaves out its internal signals 32 and 33 (SIGCANCEL,
                // SIGSETXID), and its posix_spawn child sets every internal signal not in this set
                // to SIG_IGN, which survives exec (measured: SigIgn 0x180000000). sigaddset refuses
                // them, so set bits 31 and 32 of the first word directly.
                fullSet.putLong(0, fullSet.getLong(0) | (1L << 31) | (1L << 32));
                check("posix_spawnattr_setsigdefault", c.posix_spawnattr_setsigdefault(attr, fullSet));
                short flags = (short) (LibC.POSIX_SPAWN_SETSIGMASK | LibC.POSIX_SPAWN_SETSIGDEF
                        | (r.newSession() ? LibC.POSIX_SPAWN_SETSID : 0));
                check("posix_spawnattr_setflags", c.posix_spawnattr_setflags(attr, flags));

                int[] pid = new int[1];
                int rc = c.posix_spawn(pid, exePtr, fa, attr, argvArray, envArray);
                if (rc != 0) {
                    throw new SpawnException("posix_spawn " + r.executable(), rc);
                }
                dev.emperor.log.StartupTrace.spawned();
                return pid[0];
            } finally {
                c.posix_spawnattr_destroy(attr);
            }
        } finally {
            c.posix_spawn_file_actions_destroy(fa);
            Reference.reachabilityFence(mem);
        }
    }

    /**
     * Fds at fixed numbers: a direct dup2(src, target) could overwrite a source another entry still
     * needs (map {3→4, 4→3}), and dup2(fd, fd) would leave FD_CLOEXEC set, so in those cases every
     * source is first parked above all sources and targets, then moved to its target; otherwise
     * (the usual {3→pipe}, {0→socket}) each source is dup2ed straight to its target. dup2 clears
     * FD_CLOEXEC on the target, so our CLOEXEC fds survive exec exactly where asked. Parked copies
     * lie above the highest target and are closed by closefrom; so are the ~25 non-CLOEXEC fds the
     * JVM keeps open (jars etc.). glibc refuses a dup2 target at or above RLIMIT_NOFILE (EBADF): an
     * Emperor with its fds used up is told EMFILE, a shortage it waits out (docs/reliability.md).
     */
    private void addFileActions(Pointer fa, Map<Integer, Integer> fds, Pointer devNull, Pointer cwd)
            throws SpawnException {
        boolean direct = true;
        for (Map.Entry<Integer, Integer> e : fds.entrySet()) {
            if (e.getKey().equals(e.getValue()) || fds.containsValue(e.getKey())) {
                direct = false;
            }
        }
        if (direct) {
            for (Map.Entry<Integer, Integer> e : new TreeMap<>(fds).entrySet()) {
                if (e.getKey() < 0 || e.getValue() < 0) {
                    throw new IllegalArgumentException("negative fd in " + fds);
                }
                int rc = c.posix_spawn_file_actions_adddup2(fa, e.getValue(), e.getKey());
                // an open source at or above RLIMIT_NOFILE: the limit was lowered below the fds in use
                check("posix_spawn_file_actions_adddup2", rc == LibC.EBADF ? ebadf(e.getValue()) : rc);
            }
            closeTheRest(fa, new TreeMap<>(fds), devNull, cwd);
            return;
        }
        parkThenPlace(fa, fds, devNull, cwd);
    }

    private void parkThenPlace(Pointer fa, Map<Integer, Integer> fds, Pointer devNull, Pointer cwd)
            throws SpawnException {
        TreeMap<Integer, Integer> sorted = new TreeMap<>(fds);
        int highest = -1;
        for (Map.Entry<Integer, Integer> e : sorted.entrySet()) {
            if (e.getKey() < 0 || e.getValue() < 0) {
                throw new IllegalArgumentException("negative fd in " + fds);
            }
            highest = Math.max(highest, Math.max(e.getKey(), e.getValue()));
        }
        int park = highest + 1;
        int i = 0;
        for (int source : sorted.values()) {
            int rc = c.posix_spawn_file_actions_adddup2(fa, source, park + i++);
            // the parking slot lies at or above RLIMIT_NOFILE: no fd numbers left, i.e. out of fds
            check("posix_spawn_file_actions_adddup2", rc == LibC.EBADF ? ebadf(source) : rc);
        }
        i = 0;
        for (int target : sorted.keySet()) {
            check("posix_spawn_file_actions_adddup2", c.posix_spawn_file_actions_adddup2(fa, park + i++, target));
        }
        closeTheRest(fa, sorted, devNull, cwd);
    }

    private void closeTheRest(Pointer fa, TreeMap<Integer, Integer> sorted, Pointer devNull, Pointer cwd)
            throws SpawnException {
        if (!sorted.containsKey(0)) {
            check("posix_spawn_file_actions_addopen",
                    c.posix_spawn_file_actions_addopen(fa, 0, devNull, LibC.O_RDWR, 0));
        }
        int closeFrom = sorted.isEmpty() ? 3 : Math.max(3, sorted.lastKey() + 1);
        // Holes below the highest target (map {5→x}: 3 and 4) are closed one by one; glibc ignores
        // EBADF for such closes in the child.
        for (int fd = 3; fd < closeFrom; fd++) {
            if (!sorted.containsKey(fd)) {
                check("posix_spawn_file_actions_addclose", c.posix_spawn_file_actions_addclose(fa, fd));
            }
        }
        check("posix_spawn_file_actions_addclosefrom_np", c.posix_spawn_file_actions_addclosefrom_np(fa, closeFrom));
        if (cwd != null) {
            check("posix_spawn_file_actions_addchdir_np", c.posix_spawn_file_actions_addchdir_np(fa, cwd));
        }
    }

    /** EBADF from adddup2 of an fd that is open means a number at or above RLIMIT_NOFILE: out of fds. */
    private int ebadf(int source) {
        return c.fcntl(source, LibC.F_GETFD, 0) >= 0 ? Errno.EMFILE : LibC.EBADF;
    }

    private Pointer scratch(long size) {
        if (scratch == null || scratch.size() < size) {
            scratch = Memory.allocateDirect(rt, Math.max(size, 16384), true);
        }
        return scratch;
    }

    /** The string part of the one allocation: each C string is copied right after the previous one. */
    private static final class StringArea {
        private final Pointer mem;
        private long next;

        StringArea(Pointer mem, long start) {
            this.mem = mem;
            this.next = start;
        }

        Pointer put(byte[] s) {
            mem.put(next, s, 0, s.length);
            Pointer p = mem.slice(next, s.length);
            next += s.length;
            return p;
        }

        /** Copies {@code strings} and points {@code array}'s slots at them, NULL-terminated ({@code char *const[]}). */
        void fillArray(Pointer array, List<byte[]> strings) {
            int i = 0;
            for (byte[] s : strings) {
                array.putAddress((long) i++ * PTR, put(s).address());
            }
            array.putAddress((long) i * PTR, 0L);
        }
    }

    private static List<byte[]> encodeAll(List<String> values) {
        List<byte[]> out = new ArrayList<>(values.size());
        for (String v : values) out.add(cString(v));
        return out;
    }

    /** UTF-8 plus the terminating NUL; an embedded NUL would silently truncate, so it is refused. */
    private static byte[] cString(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL byte in spawn argument: " + s.replace('\0', '@'));
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, out, 0, utf8.length);
        return out;
    }

    private static void check(String call, int errno) throws SpawnException {
        if (errno != 0) {
            throw new SpawnException(call, errno);
        }
    }
}
