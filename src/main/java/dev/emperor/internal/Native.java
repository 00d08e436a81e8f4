package dev.emperor.internal;

import java.util.List;

/**
 * Every system call the daemon makes that the JDK cannot make for it. The rest of the code sees
 * plain Java types; tests substitute a fake. Only {@code dev.emperor.internal} may import jnr.
 *
 * <p>Error convention: calls that can fail for reasons the caller must act on return a negative
 * errno ({@code -EAGAIN}, {@code -ESRCH}, ...); calls that fail only on programming or resource
 * errors throw {@link NativeException}.
 */
public interface Native {
    int EAGAIN = 11;
    int ESRCH = 3;
    int ECHILD = 10;
    int ENOENT = 2;
    int ECONNREFUSED = 111;
    int EINPROGRESS = 115;
    int EINVAL = 22;
    int ENAMETOOLONG = 36;
    int EADDRINUSE = 98;
    int SIGINT = 2;
    int SIGKILL = 9;
    int SIGTERM = 15;

    int getpid();
    int getuid();
    int getgid();

    /** prctl(PR_SET_CHILD_SUBREAPER, 1); false where the kernel refuses it. */
    boolean setChildSubreaper();

    /** malloc_trim(0): hands the C heap's free pages back to the kernel (docs/operations.md, "Footprint flags"). */
    void releaseFreeMemory();

    /**
     * madvise(address, length, MADV_RANDOM), then MADV_PAGEOUT: the kernel reclaims the range's pages
     * that only this process maps, and a page touched later comes back alone, without readahead
     * (docs/operations.md, "Start-up pages"). 0, or MADV_PAGEOUT's negative errno ({@code -EINVAL}
     * before Linux 5.4).
     */
    int pageOut(long address, long length);

    /** socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC); both ends close-on-exec. */
    int[] socketpair();

    /**
     * A non-blocking, close-on-exec AF_UNIX stream socket connected (or connecting) to {@code path}:
     * the fd, or a negative errno ({@code -ENOENT}: no socket file; {@code -ECONNREFUSED}: nobody
     * listens; {@code -EAGAIN}: backlog full). A leading '@' names an abstract socket.
     */
    int connectUnix(String path);

    /** One sendmsg of {@code data} (at least 1 byte) with up to 3 fds as SCM_RIGHTS; bytes sent or a negative errno. */
    int sendWithFds(int sock, byte[] data, int... fds);

    /** The parent pid of {@code pid} (from /proc), or -1 when there is no such process. */
    int parentOf(int pid);

    /** Sets O_NONBLOCK on fd. */
    void setNonBlocking(int fd);

    /** Starts a child with posix_spawn; returns its pid. */
    int spawn(SpawnRequest request) throws SpawnException;

    /** read(2): bytes read, 0 on EOF, or a negative errno (e.g. -EAGAIN). */
    int read(int fd, byte[] buf, int len);

    /** write(2): bytes written or a negative errno. */
    int write(int fd, byte[] buf, int off, int len);

    void close(int fd);

    /**
     * waitpid(-1, WNOHANG): the next reaped child, {@link Reaped#NONE} when children exist but
     * none has exited, {@link Reaped#NO_CHILDREN} when there are none (ECHILD).
     */
    Reaped reapAny();

    /** kill(pid, sig) for pid &gt; 0 only; 0 or a negative errno. Refuses pid &lt;= 0 (never kill(-1)). */
    int kill(int pid, int sig);

    /** kill(-pgid, sig): the whole process group led by pgid &gt; 1; 0 or a negative errno. */
    int killGroup(int pgid, int sig);

    /** A fresh epoll instance plus an eventfd for wake-ups, both close-on-exec. */
    Poller newPoller();

    /**
     * Points this process's fds 1 and 2 at {@code path} (opened O_APPEND|O_CREAT, mode 0640), as
     * uWSGI's {@code logto} does, so the Emperor's log and its vassals' output land there.
     */
    void redirectOutput(String path) throws NativeException;

    /**
     * Opens a vassal's log file for its stdout/stderr ({@code emperor-vassal-logs}, docs/logging.md):
     * O_WRONLY|O_APPEND|O_CREAT|O_NOFOLLOW|O_CLOEXEC, mode 0640, never a symlink, only a regular file
     * with one link owned by root or by {@code uid}; handed to {@code uid}:{@code gid} with fchown
     * when {@code uid} &ge; 0 (Tyrant). Returns the fd (close-on-exec; the spawn dup2s it onto 1 and 2).
     *
     * @throws java.io.IOException naming why the file was refused or could not be opened
     */
    int openVassalLog(String path, int uid, int gid) throws java.io.IOException;

    /** Drops the whole process to gid (supplementary groups cleared) then uid; glibc applies it to every thread. */
    void dropPrivileges(int uid, int gid) throws NativeException;

    /**
     * Like {@link #dropPrivileges} while the calling thread keeps exactly {@code caps} (a mask of
     * capability numbers) effective, permitted and inheritable: uWSGI's {@code cap}
     * (docs/capabilities.md). Threads started later by the calling thread inherit them.
     */
    default void dropPrivilegesKeeping(int uid, int gid, long caps) throws NativeException {
        throw new UnsupportedOperationException("dropPrivilegesKeeping");
    }

    /** The calling thread's {effective, permitted, inheritable} capability masks. */
    default long[] capabilities() {
        return new long[] {-1L, -1L, 0L};
    }

    /**
     * Sets the calling thread's ambient capabilities to exactly {@code caps} (0 clears them): what a
     * non-root program spawned from this thread keeps across exec (docs/capabilities.md).
     */
    default void setAmbientCapabilities(long caps) throws NativeException {
        if (caps != 0) {
            throw new UnsupportedOperationException("setAmbientCapabilities");
        }
    }

    /**
     * Replaces this process's program (same pid): call it on the thread that spawned the vassals
     * (docs/platform-notes.md, "Replacing the JVM in place").
     *
     * @return the errno of the failure; on success it does not return
     */
    default int execve(String path, java.util.List<String> argv, java.util.List<String> env) {
        throw new UnsupportedOperationException("execve");
    }

    /** An anonymous in-memory file (memfd_create, close-on-exec) for a document handed across execve. */
    default int memfd(String name) {
        throw new UnsupportedOperationException("memfd");
    }

    /** dup2(2): puts {@code fd} on {@code target} too (an inherited listener onto fd 0, docs/upgrade.md). */
    default void dup2(int fd, int target) {
        throw new UnsupportedOperationException("dup2");
    }

    /** Sets or clears FD_CLOEXEC on one fd: only the fds handed across execve are cleared. */
    default void setCloseOnExec(int fd, boolean on) {
        throw new UnsupportedOperationException("setCloseOnExec");
    }

    /** Writes {@code value} (procname, at most 15 bytes are kept) as the process name in /proc/self/comm. */
    void setProcessName(String value);

    /**
     * Makes /proc/self/cmdline (what ps and pgrep -f show) read {@code value}, as uWSGI's procname
     * does: the argv area is overwritten in place, so a title longer than the original command line is cut.
     *
     * @return 0, or an errno (EIO when the argv area is not known)
     */
    int setCommandLine(String value);

    /**
     * Sets FD_CLOEXEC on every open fd above 2 that lacks it; returns how many were changed. The
     * JDK opens its own fds without O_CLOEXEC (jars, /dev/random, NIO listeners, the selector's
     * eventfd, the WatchService's inotify fd and socketpair), relying on its own process launcher to close
     * them in the child. Spawns do not depend on this (posix_spawn closes every fd above the mapped
     * ones), but no fd of this process may survive an exec it did not ask for. A default no-op for
     * fakes.
     */
    default int markAllCloseOnExec() {
        return 0;
    }

    /**
     * waitpid(pid, WNOHANG) for one pid &gt; 0 (never -1 or a group): {@link Reaped#NONE} while it runs,
     * {@link Reaped#NO_CHILDREN} when it is not (or no longer) our child.
     */
    Reaped reap(int pid);

    /**
     * A listening, blocking, close-on-exec AF_INET stream socket on {@code host:port} with
     * SO_REUSEADDR (uWSGI's {@code on_demand_bind}): {@code host} is a dotted IPv4 address, "" = any.
     * The fd, or a negative errno (an unparsable host gives -EINVAL).
     */
    int listenTcp(String host, int port, int backlog);

    /**
     * A listening, blocking, close-on-exec AF_UNIX stream socket bound to {@code path}: a stale socket
     * already there is unlinked first, the new socket file is chmod 0666 (as uWSGI's {@code on_demand_bind});
     * unlike uWSGI, anything else there (a regular file, a symlink, ...) is left alone and gives
     * -EADDRINUSE, and the chmod never follows a symlink (the path is chosen by a vassal's owner).
     * The fd, or a negative errno; a path longer than 107 bytes gives -ENAMETOOLONG instead of being
     * truncated as uWSGI does.
     */
    int listenUnix(String path, int backlog);

    /**
     * This process's open fds and its soft RLIMIT_NOFILE and RLIMIT_NPROC, for the one log line of a
     * resource shortage (docs/reliability.md); -1 where unknown. Listing /proc/self/fd itself needs an
     * fd: out of fds, the count is unknown (-1) and the caller reports the limit as reached.
     */
    default Limits limits() {
        return new Limits(-1, -1, -1);
    }

    /** See {@link #limits()}. */
    record Limits(long openFds, long maxFds, long maxProcesses) {
    }

    /** strerror(errno): the C library's text for an errno value. */
    String strerror(int errno);

    /** The readiness multiplexer of the event loop. Not thread-safe except {@link #wakeup()}. */
    /** Bit n-1 set for every signal n (1..64) blocked in the calling thread; 0 if unknown. */
    default long blockedSignals() {
        return 0;
    }

    /**
     * A blocking signalfd for the signals in {@code mask} (bit n-1 = signal n), whose dispositions are
     * reset to default first; only for signals blocked in every thread. Returns the fd or -errno.
     */
    default int signalFd(long mask) {
        return -38; // ENOSYS
    }

    /** Blocks until a signal arrives on a {@link #signalFd}; its number, or -errno. */
    default int readSignal(int fd) {
        return -38; // ENOSYS
    }

    interface Poller extends AutoCloseable {
        void add(int fd);
        void remove(int fd);
        /** Waits up to timeoutMs (-1 = forever) and returns the fds readable or hung up; wake-ups are drained and not reported. */
        List<Integer> await(long timeoutMs);
        /** Thread-safe: makes a concurrent or the next {@link #await} return at once. */
        void wakeup();
        @Override void close();
    }
}
