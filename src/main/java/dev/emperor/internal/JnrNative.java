package dev.emperor.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The real {@link Native}: glibc through the jnr-ffi binding {@link LibC}. One instance per
 * process, see {@link #load()}. Besides the contract it offers fd passing (sendmsg/recvmsg with
 * SCM_RIGHTS) and two probes used by tests ({@link #isCloseOnExec}, {@link #isChildSubreaper}).
 * <p>
 * Longer than 300 lines on purpose: it is the one place where every libc call of the daemon is
 * made (docs/architecture.md), each method a short call or a delegation to the helper of its
 * kind (PosixSpawner, FdPassing, ListenSockets, SignalFds, ProcessImage, CommandLineTitle).
 */
public final class JnrNative implements Native {
    private static final int EIO = 5;

    private final LibC c;
    private final Runtime rt;
    private final PosixSpawner spawner;
    private final FdPassing fdPassing;
    private final ListenSockets listenSockets;
    private final SignalFds signalFds;
    private final ProcessImage image;
    private final ThreadCapabilities caps;

    private JnrNative(LibC c) {
        this.c = c;
        this.rt = Runtime.getRuntime(c);
        this.spawner = new PosixSpawner(c, rt);
        this.fdPassing = new FdPassing(c, rt);
        this.listenSockets = new ListenSockets(c, rt);
        this.signalFds = new SignalFds(c, rt);
        this.image = new ProcessImage(c, rt);
        this.caps = new ThreadCapabilities(c, rt);
    }

    /** The process-wide instance; libc is bound on first use (about 200 ms of jnr-ffi class generation). */
    public static JnrNative load() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final JnrNative INSTANCE = new JnrNative(LibC.load());
    }

    @Override
    public long blockedSignals() {
        return signalFds.blocked();
    }

    @Override
    public int signalFd(long mask) {
        return signalFds.open(mask);
    }

    @Override
    public int readSignal(int fd) {
        return signalFds.read(fd);
    }

    /** For the other classes of this package that need a call outside the Native contract. */
    LibC libc() {
        return c;
    }

    /** errno of this thread's last native call. */
    int lastErrno() {
        return errno();
    }

    private int errno() {
        return rt.getLastError();
    }

    @Override
    public int getpid() {
        return c.getpid();
    }

    @Override
    public int getuid() {
        return c.getuid();
    }

    @Override
    public int getgid() {
        return c.getgid();
    }

    @Override
    public boolean setChildSubreaper() {
        return c.prctl(LibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
    }

    @Override
    public void releaseFreeMemory() {
        c.malloc_trim(0);
    }

    @Override
    public int pageOut(long address, long length) {
        // MADV_RANDOM first: a page touched again is read alone, without the readahead and fault-around
        // that would map its neighbours back too (docs/operations.md, "Start-up pages")
        c.madvise(address, length, LibC.MADV_RANDOM);
        return c.madvise(address, length, LibC.MADV_PAGEOUT) == 0 ? 0 : -errno();
    }

    /** prctl(PR_GET_CHILD_SUBREAPER); not part of {@link Native}, used by tests and diagnostics. */
    public boolean isChildSubreaper() {
        Pointer flag = Memory.allocateDirect(rt, 4, true); // prctl stores an int through arg2
        if (c.prctl(LibC.PR_GET_CHILD_SUBREAPER, flag.address(), 0, 0, 0) != 0) {
            throw new NativeException("prctl(PR_GET_CHILD_SUBREAPER)", errno());
        }
        return flag.getInt(0) != 0;
    }

    @Override
    public int[] socketpair() {
        int[] sv = new int[2];
        if (c.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, sv) != 0) {
            throw new NativeException("socketpair", errno());
        }
        return sv;
    }

    @Override
    public void setNonBlocking(int fd) {
        int flags = c.fcntl(fd, LibC.F_GETFL, 0);
        if (flags < 0 || c.fcntl(fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK) < 0) {
            throw new NativeException("fcntl(" + fd + ", O_NONBLOCK)", errno());
        }
    }

    /** fcntl(F_GETFD) & FD_CLOEXEC; for tests and assertions about leaked fds. */
    public boolean isCloseOnExec(int fd) {
        int flags = c.fcntl(fd, LibC.F_GETFD, 0);
        if (flags < 0) {
            throw new NativeException("fcntl(" + fd + ", F_GETFD)", errno());
        }
        return (flags & LibC.FD_CLOEXEC) != 0;
    }

    @Override
    public int markAllCloseOnExec() {
        List<Integer> fds = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : ds) {
                fds.add(Integer.parseInt(p.getFileName().toString()));
            }
        } catch (IOException | RuntimeException e) {
            return 0; // no /proc: spawns still close every unmapped fd
        }
        int changed = 0;
        for (int fd : fds) {
            int flags = fd > 2 ? c.fcntl(fd, LibC.F_GETFD, 0) : -1;
            // flags < 0: closed meanwhile by another thread (the listing's own fd is closed already)
            if (flags >= 0 && (flags & LibC.FD_CLOEXEC) == 0
                    && c.fcntl(fd, LibC.F_SETFD, flags | LibC.FD_CLOEXEC) == 0) {
                changed++;
            }
        }
        return changed;
    }

    @Override
    public int spawn(SpawnRequest request) throws SpawnException {
        return spawner.spawn(request);
    }

    @Override
    public int read(int fd, byte[] buf, int len) {
        if (len < 0 || len > buf.length) throw new IndexOutOfBoundsException("len " + len);
        while (true) {
            long n = c.read(fd, buf, len);
            if (n >= 0) return (int) n;
            int errno = errno();
            if (errno != LibC.EINTR) return -errno;
        }
    }

    @Override
    public int write(int fd, byte[] buf, int off, int len) {
        // jnr passes a heap array from its start; copy the slice rather than pin with offsets.
        Objects.checkFromIndexSize(off, len, buf.length);
        byte[] slice = off == 0 ? buf : Arrays.copyOfRange(buf, off, off + len);
        while (true) {
            long n = c.write(fd, slice, len);
            if (n >= 0) return (int) n;
            int errno = errno();
            if (errno != LibC.EINTR) return -errno;
        }
    }

    @Override
    public void close(int fd) {
        // No retry on EINTR: Linux releases the fd number even then, a retry could close a reused fd.
        if (c.close(fd) != 0 && errno() == LibC.EBADF) {
            throw new NativeException("close(" + fd + ")", LibC.EBADF); // a double close: a bug
        }
    }

    @Override
    public Reaped reapAny() {
        int[] status = new int[1];
        while (true) {
            int pid = c.waitpid(-1, status, LibC.WNOHANG);
            if (pid > 0) return new Reaped(pid, status[0]);
            if (pid == 0) return Reaped.NONE;
            int errno = errno();
            if (errno == ECHILD) return Reaped.NO_CHILDREN;
            if (errno != LibC.EINTR) throw new NativeException("waitpid", errno);
        }
    }

    @Override
    public Reaped reap(int pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("refusing waitpid(" + pid + "): only single pids > 0");
        }
        int[] status = new int[1];
        while (true) {
            int got = c.waitpid(pid, status, LibC.WNOHANG);
            if (got > 0) return new Reaped(got, status[0]);
            if (got == 0) return Reaped.NONE;
            int errno = errno();
            if (errno == ECHILD) return Reaped.NO_CHILDREN;
            if (errno != LibC.EINTR) throw new NativeException("waitpid(" + pid + ")", errno);
        }
    }

    @Override
    public int listenTcp(String host, int port, int backlog) {
        return listenSockets.tcp(host, port, backlog);
    }

    @Override
    public int listenUnix(String path, int backlog) {
        return listenSockets.unix(path, backlog);
    }

    @Override
    public Limits limits() {
        String[] fds = new java.io.File("/proc/self/fd").list();
        return new Limits(fds == null ? -1 : Math.max(0, fds.length - 1), softLimit(7), softLimit(6)); // NOFILE, NPROC
    }

    private long softLimit(int resource) {
        long[] rlim = new long[2];
        if (c.getrlimit(resource, rlim) != 0) {
            return -1;
        }
        return rlim[0] < 0 ? Long.MAX_VALUE : rlim[0]; // RLIM_INFINITY is all ones
    }

    @Override
    public String strerror(int errno) {
        String s = c.strerror(errno);
        return s == null ? "errno " + errno : s;
    }

    @Override
    public int kill(int pid, int sig) {
        if (pid <= 0) {
            throw new IllegalArgumentException("refusing kill(" + pid + "): only single pids > 0");
        }
        return c.kill(pid, sig) == 0 ? 0 : -errno();
    }

    @Override
    public int killGroup(int pgid, int sig) {
        if (pgid <= 1) {
            throw new IllegalArgumentException("refusing killGroup(" + pgid + "): kill(-1) would hit everything");
        }
        return c.kill(-pgid, sig) == 0 ? 0 : -errno();
    }

    @Override
    public Poller newPoller() {
        return new EpollPoller(c, rt);
    }

    /**
     * /proc/self/comm is the comm of the thread-group leader (what ps and pgrep show), whereas
     * prctl(PR_SET_NAME) would only rename the calling Java thread. No trailing newline: the kernel
     * would keep it. Cut to 15 bytes at a UTF-8 character boundary.
     */
    @Override
    public void setProcessName(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int len = Math.min(bytes.length, 15);
        while (len > 0 && len < bytes.length && (bytes[len] & 0xC0) == 0x80) len--;
        try (FileChannel ch = FileChannel.open(Path.of("/proc/self/comm"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes, 0, len));
        } catch (IOException e) {
            NativeException ne = new NativeException("write /proc/self/comm", EIO);
            ne.initCause(e);
            throw ne;
        }
    }

    @Override
    public int setCommandLine(String value) {
        return CommandLineTitle.set(rt, value);
    }

    @Override
    public int execve(String path, List<String> argv, List<String> env) {
        return image.execve(path, argv, env);
    }

    @Override
    public int memfd(String name) {
        return image.memfd(name);
    }

    @Override
    public void dup2(int fd, int target) {
        if (c.dup2(fd, target) < 0) {
            throw new NativeException("dup2(" + fd + ", " + target + ")", errno());
        }
    }

    @Override
    public void setCloseOnExec(int fd, boolean on) {
        image.setCloseOnExec(fd, on);
    }

    // --- fd passing (not yet in the Native contract: used by the fork-server/proxy features) ---

    @Override
    public int sendWithFds(int sock, byte[] data, int... fds) {
        return fdPassing.send(sock, data, fds);
    }

    /** One recvmsg: bytes into buf (0 = EOF, negative = -errno) and up to maxFds received fds, CLOEXEC. */
    public ReceivedFds receiveWithFds(int sock, byte[] buf, int maxFds) {
        return fdPassing.receive(sock, buf, maxFds);
    }

    @Override
    public void redirectOutput(String path) {
        byte[] p = (path + "\0").getBytes(StandardCharsets.UTF_8);
        // O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC
        int fd = c.open(p, 01 | 0100 | 02000 | 02000000, 0640);
        if (fd < 0) {
            throw new NativeException("open(" + path + ")", errno());
        }
        try {
            if (c.dup2(fd, 1) < 0 || c.dup2(fd, 2) < 0) {
                throw new NativeException("dup2(" + path + ")", errno());
            }
        } finally {
            c.close(fd);
        }
    }

    @Override
    public int openVassalLog(String path, int uid, int gid) throws java.io.IOException {
        return AppendFiles.open(this, java.nio.file.Path.of(path), uid, gid);
    }

    @Override
    public void dropPrivileges(int uid, int gid) {
        if (c.setgroups(0, new int[0]) != 0) {
            throw new NativeException("setgroups(0)", errno());
        }
        if (c.setgid(gid) != 0) {
            throw new NativeException("setgid(" + gid + ")", errno());
        }
        if (c.setuid(uid) != 0) {
            throw new NativeException("setuid(" + uid + ")", errno());
        }
    }

    @Override
    public void dropPrivilegesKeeping(int uid, int gid, long keep) {
        caps.dropKeeping(uid, gid, keep);
    }

    @Override
    public long[] capabilities() {
        return caps.get();
    }

    @Override
    public void setAmbientCapabilities(long keep) {
        caps.ambient(keep);
    }

    @Override
    public int connectUnix(String path) {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length > 107) {
            return -36; // ENAMETOOLONG: sun_path holds 108 bytes
        }
        // struct sockaddr_un: sa_family_t (2 bytes, AF_UNIX = 1) + sun_path
        byte[] addr = new byte[2 + name.length + 1];
        addr[0] = 1;
        System.arraycopy(name, 0, addr, 2, name.length);
        int len = addr.length;
        if (path.startsWith("@")) {
            addr[2] = 0; // abstract namespace: no terminating NUL counted
            len = 2 + name.length;
        }
        // SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC
        int fd = c.socket(1, 1 | 04000 | 02000000, 0);
        if (fd < 0) {
            return -errno();
        }
        while (c.connect(fd, addr, len) != 0) {
            int e = errno();
            if (e == 4) {
                continue; // EINTR
            }
            if (e == EINPROGRESS) {
                return fd;
            }
            c.close(fd);
            return -e;
        }
        return fd;
    }

    @Override
    public int parentOf(int pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so split after the last ')'
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(rest[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
