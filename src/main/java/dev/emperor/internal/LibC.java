package dev.emperor.internal;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * Every glibc function the daemon calls, bound with jnr-ffi. Opaque glibc structs
 * (posix_spawn_file_actions_t, posix_spawnattr_t, sigset_t, epoll_event, msghdr) are passed as
 * {@link Pointer}s into direct memory that the callers lay out; jnr-posix is deliberately not used
 * for spawning (its posix_spawnp loses errno, lacks addchdir_np/addclosefrom_np and the sigmask
 * attributes, see package-info). errno is read with {@code jnr.ffi.LastError} right after a call:
 * jnr-ffi saves it per thread for every call not annotated {@code @IgnoreError}.
 *
 * <p>Functions that return an errno directly (posix_spawn*) do not touch errno.
 */
public interface LibC {

    // --- constants (Linux, glibc; identical on x86_64 and aarch64 unless noted) ---
    int O_RDWR = 2;
    int O_NONBLOCK = 0x800;
    int O_CLOEXEC = 0x80000;
    int F_GETFD = 1;
    int F_SETFD = 2;
    int F_GETFL = 3;
    int F_SETFL = 4;
    int FD_CLOEXEC = 1;
    int MADV_RANDOM = 1;
    int MADV_PAGEOUT = 21; // Linux 5.4+
    int AF_UNIX = 1;
    int SOCK_STREAM = 1;
    int SOCK_CLOEXEC = O_CLOEXEC;
    int WNOHANG = 1;
    int PR_SET_CHILD_SUBREAPER = 36;
    int PR_GET_CHILD_SUBREAPER = 37;
    int EPOLL_CLOEXEC = O_CLOEXEC;
    int EPOLL_CTL_ADD = 1;
    int EPOLL_CTL_DEL = 2;
    int EPOLLIN = 0x001;
    int EPOLLERR = 0x008;
    int EPOLLHUP = 0x010;
    int EPOLLRDHUP = 0x2000;
    int EFD_CLOEXEC = O_CLOEXEC;
    int EFD_NONBLOCK = O_NONBLOCK;
    int EINTR = 4;
    int EBADF = 9;
    int SOL_SOCKET = 1;
    int SO_REUSEADDR = 2;
    int AF_INET = 2;
    int SCM_RIGHTS = 1;
    int MSG_NOSIGNAL = 0x4000;
    int MSG_CMSG_CLOEXEC = 0x40000000;
    int MSG_CTRUNC = 0x8;
    short POSIX_SPAWN_SETSIGDEF = 0x04;
    short POSIX_SPAWN_SETSIGMASK = 0x08;
    short POSIX_SPAWN_SETSID = 0x80;
    /** Generous upper bounds of glibc's opaque struct sizes (80, 336 and 128 bytes on x86_64). */
    int SIZEOF_FILE_ACTIONS = 128;
    int SIZEOF_SPAWNATTR = 512;
    int SIZEOF_SIGSET = 128;

    static LibC load() {
        return LibraryLoader.create(LibC.class).load("c");
    }

    // --- posix_spawn (all return 0 or an errno value, never -1) ---
    int posix_spawn(@Out int[] pid, Pointer path, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);
    int posix_spawn_file_actions_init(Pointer fileActions);
    int posix_spawn_file_actions_destroy(Pointer fileActions);
    int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newfd);
    int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, Pointer path, int oflag, int mode);
    int posix_spawn_file_actions_addclose(Pointer fileActions, int fd);
    /** glibc &ge; 2.29. */
    int posix_spawn_file_actions_addchdir_np(Pointer fileActions, Pointer path);
    /** glibc &ge; 2.34. */
    int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);
    int posix_spawnattr_init(Pointer attr);
    int posix_spawnattr_destroy(Pointer attr);
    int posix_spawnattr_setflags(Pointer attr, short flags);
    int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);
    int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);
    int sigemptyset(Pointer sigset);
    int sigfillset(Pointer sigset);

    // --- fds (return -1 and set errno on failure) ---
    int socketpair(int domain, int type, int protocol, @Out int[] sv);
    int socket(int domain, int type, int protocol);
    int connect(int sockfd, @In byte[] addr, int addrlen);
    int bind(int sockfd, @In byte[] addr, int addrlen);
    int listen(int sockfd, int backlog);
    int setsockopt(int sockfd, int level, int optname, @In int[] optval, int optlen);
    int unlink(@In byte[] path);
    int chmod(@In byte[] path, int mode);
    int fchown(int fd, int owner, int group);
    String strerror(int errnum);
    /** Variadic in C; an int third argument is passed identically on the LP64 ABIs we support. */
    int fcntl(int fd, int cmd, int arg);
    @ssize_t long read(int fd, @Out byte[] buf, @size_t long count);
    @ssize_t long write(int fd, @In byte[] buf, @size_t long count);
    int close(int fd);
    @ssize_t long sendmsg(int sockfd, Pointer msghdr, int flags);
    @ssize_t long recvmsg(int sockfd, Pointer msghdr, int flags);

    // --- processes ---
    int waitpid(int pid, @Out int[] status, int options);
    int kill(int pid, int sig);
    /** Variadic in C; unsigned long arguments. */
    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    int malloc_trim(@size_t long pad);
    /** The address as an integer: the ranges come from /proc/self/maps, not from a jnr Pointer. */
    int madvise(@size_t long addr, @size_t long length, int advice);
    int getpid();
    int getuid();
    int getgid();
    int setuid(int uid);
    int setgid(int gid);
    int setgroups(@size_t long size, @In int[] list);
    /** The raw syscalls (calling thread only): header {version, pid}, data two {effective, permitted, inheritable}. */
    int capget(Pointer header, Pointer data);
    int capset(Pointer header, Pointer data);
    int open(@In byte[] path, int flags, int mode);
    /** struct rlimit as two 64-bit words: soft, hard. */
    int getrlimit(int resource, @Out long[] rlim);
    int dup2(int oldfd, int newfd);
    /** Returns only on failure; see {@link ProcessImage}. */
    int execve(@In byte[] path, Pointer argv, Pointer envp);
    int memfd_create(@In byte[] name, int flags);
    int MFD_CLOEXEC = 1;

    // --- event loop ---
    int epoll_create1(int flags);
    int epoll_ctl(int epfd, int op, int fd, Pointer event);
    int epoll_wait(int epfd, Pointer events, int maxevents, int timeout);
    int eventfd(int initval, int flags);

    // --- signals taken by a signalfd (see SignalFds) ---
    int SIG_BLOCK = 0;
    int SFD_CLOEXEC = O_CLOEXEC;
    int pthread_sigmask(int how, Pointer set, Pointer oldset);
    int signalfd(int fd, Pointer mask, int flags);
    /** sighandler_t signal(int, sighandler_t); a null handler is SIG_DFL. */
    Pointer signal(int signum, Pointer handler);
}
