package dev.emperor.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * A bound {@code AF_UNIX}/{@code SOCK_DGRAM} socket, for the Emperor command socket (uWSGI
 * {@code core/socket.c: bind_to_unix_dgram}); Java 17's NIO has no UNIX datagram channel. Made
 * with {@code SOCK_CLOEXEC}. {@link #receive} blocks; {@link #close} from another thread wakes it
 * ({@code shutdown(SHUT_RDWR)} makes a blocked {@code recv} return 0) and the fd is closed only
 * once no {@code recv} uses it, so a recycled fd number is never read. {@link #isInUse} tells a
 * live socket from a stale file; {@link #sendTo} is the client side (the tests; {@code emperor ctl}
 * speaks HTTP). Hand-written rather than jnr-unixsocket's {@code UnixDatagramChannel}, which makes
 * its socket without {@code SOCK_CLOEXEC}, closes the fd under a blocked {@code receive} without
 * waking it, and reports errors without their errno (docs/platform-notes.md, "UNIX datagram sockets").
 */
public final class UnixDatagramSocket implements AutoCloseable {

    /** The socket calls {@link LibC} does not bind (public only because jnr-ffi generates its implementation). */
    public interface Sys {
        int socket(int domain, int type, int protocol);
        int bind(int fd, @In byte[] addr, int len);
        int connect(int fd, @In byte[] addr, int len);
        @ssize_t long recv(int fd, @Out byte[] buf, @size_t long len, int flags);
        @ssize_t long sendto(int fd, @In byte[] buf, @size_t long len, int flags, @In byte[] addr, int addrlen);
        int shutdown(int fd, int how);
        int close(int fd);
    }

    private static final int SOCK_DGRAM = 2;
    private static final int SHUT_RDWR = 2;
    private static final int EINTR = 4;
    private static final int ENOENT = 2;
    private static final int ENAMETOOLONG = 36;
    private static final int ECONNREFUSED = 111;
    private static final int SUN_PATH = 108;

    private static final class Holder {
        static final Sys SYS = LibraryLoader.create(Sys.class).load("c");
        static final Runtime RT = Runtime.getRuntime(SYS);
    }

    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** 1 for the socket itself plus 1 per running {@link #receive}; the fd is closed at 0. */
    private final AtomicInteger refs = new AtomicInteger(1);

    private UnixDatagramSocket(int fd) {
        this.fd = fd;
    }

    /** Binds {@code path} (a file-system path, taken literally as uWSGI does); the caller removes a stale file. */
    public static UnixDatagramSocket bind(String path) throws IOException {
        return bindAddress(sockaddr(path), path);
    }

    /**
     * A datagram socket (UNIX or UDP: {@code recv} and {@code shutdown} serve both) bound by an earlier
     * process and inherited across an in-place upgrade (docs/upgrade.md); the caller made it
     * close-on-exec again.
     */
    public static UnixDatagramSocket inherited(int fd) {
        return new UnixDatagramSocket(fd);
    }

    /** Binds a path, or an abstract name written {@code @name} as in {@code $NOTIFY_SOCKET}. */
    public static UnixDatagramSocket bindName(String name) throws IOException {
        return bindAddress(address(name), name);
    }

    private static UnixDatagramSocket bindAddress(byte[] addr, String path) throws IOException {
        int fd = Holder.SYS.socket(LibC.AF_UNIX, SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw error("socket(AF_UNIX, SOCK_DGRAM)", errno());
        }
        if (Holder.SYS.bind(fd, addr, addr.length) != 0) {
            int e = errno();
            Holder.SYS.close(fd);
            throw error("bind(" + path + ")", e);
        }
        return new UnixDatagramSocket(fd);
    }

    /**
     * True when something listens on {@code path}: a datagram connect succeeds, or fails otherwise
     * than with ECONNREFUSED (a stale socket file) or ENOENT (e.g. a stream socket gives EPROTOTYPE).
     */
    public static boolean isInUse(String path) throws IOException {
        byte[] addr = sockaddr(path);
        int fd = Holder.SYS.socket(LibC.AF_UNIX, SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw error("socket(AF_UNIX, SOCK_DGRAM)", errno());
        }
        try {
            if (Holder.SYS.connect(fd, addr, addr.length) == 0) {
                return true;
            }
            int e = errno();
            return e != ECONNREFUSED && e != ENOENT;
        } finally {
            Holder.SYS.close(fd);
        }
    }

    /** Sends one datagram to the socket bound on {@code path} (clients: tests, {@code emperor ctl}); returns bytes sent. */
    public static int sendTo(String path, byte[] data) throws IOException {
        byte[] addr = sockaddr(path);
        int fd = Holder.SYS.socket(LibC.AF_UNIX, SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw error("socket(AF_UNIX, SOCK_DGRAM)", errno());
        }
        try {
            while (true) {
                long n = Holder.SYS.sendto(fd, data, data.length, 0, addr, addr.length);
                if (n >= 0) {
                    return (int) n;
                }
                int e = errno();
                if (e != EINTR) {
                    throw error("sendto(" + path + ")", e);
                }
            }
        } finally {
            Holder.SYS.close(fd);
        }
    }

    public int fd() {
        return fd;
    }

    /**
     * Receives one datagram into {@code buf} (a longer one is truncated, as {@code recv} does);
     * returns its length (0 for an empty datagram), or -1 once the socket is closed.
     */
    public int receive(byte[] buf) throws IOException {
        if (!acquire()) {
            return -1;
        }
        try {
            while (true) {
                long n = Holder.SYS.recv(fd, buf, buf.length, 0);
                if (closed.get()) {
                    return -1;
                }
                if (n >= 0) {
                    return (int) n;
                }
                int e = errno();
                if (e != EINTR) {
                    throw error("recv(fd " + fd + ")", e);
                }
            }
        } finally {
            release();
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Holder.SYS.shutdown(fd, SHUT_RDWR);
            release();
        }
    }

    private boolean acquire() {
        while (true) {
            int r = refs.get();
            if (r == 0 || closed.get()) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    private void release() {
        if (refs.decrementAndGet() == 0) {
            Holder.SYS.close(fd);
        }
    }

    /**
     * A non-blocking, close-on-exec, unbound datagram socket for sending (sd_notify); its fd.
     */
    static int openSender() throws IOException {
        int fd = Holder.SYS.socket(LibC.AF_UNIX, SOCK_DGRAM | LibC.SOCK_CLOEXEC | LibC.O_NONBLOCK, 0);
        if (fd < 0) {
            throw error("socket(AF_UNIX, SOCK_DGRAM)", errno());
        }
        return fd;
    }

    /** One datagram from {@code fd} to {@code addr} ({@link #address}); bytes sent, or -errno. */
    static long sendFrom(int fd, byte[] data, byte[] addr) {
        while (true) {
            long n = Holder.SYS.sendto(fd, data, data.length, 0, addr, addr.length);
            if (n >= 0) {
                return n;
            }
            int e = errno();
            if (e != EINTR) {
                return -e;
            }
        }
    }

    static void closeFd(int fd) {
        Holder.SYS.close(fd);
    }

    static String strerror(int errno) {
        return describe(errno);
    }

    /**
     * struct sockaddr_un for a path, or for an abstract name given with a leading {@code @}
     * (sun_path starts with a NUL and the address length ends where the name ends).
     */
    static byte[] address(String name) throws IOException {
        if (!name.startsWith("@")) {
            return sockaddr(name);
        }
        byte[] bytes = name.substring(1).getBytes(StandardCharsets.UTF_8);
        if (bytes.length + 1 >= SUN_PATH) {
            throw error("abstract UNIX socket name of " + bytes.length + " bytes", ENAMETOOLONG);
        }
        byte[] addr = new byte[2 + 1 + bytes.length];
        addr[0] = (byte) LibC.AF_UNIX;
        System.arraycopy(bytes, 0, addr, 3, bytes.length);
        return addr;
    }

    /** struct sockaddr_un: sa_family_t (2 bytes, AF_UNIX = 1, little-endian), then sun_path with its NUL. */
    private static byte[] sockaddr(String path) throws IOException {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0) {
            throw new IOException("empty UNIX socket path");
        }
        if (name.length >= SUN_PATH) {
            throw error("UNIX socket path of " + name.length + " bytes (at most " + (SUN_PATH - 1) + ")", ENAMETOOLONG);
        }
        byte[] addr = new byte[2 + name.length + 1];
        addr[0] = (byte) LibC.AF_UNIX;
        System.arraycopy(name, 0, addr, 2, name.length);
        return addr;
    }

    private static int errno() {
        return Holder.RT.getLastError();
    }

    private static IOException error(String call, int errno) {
        return new IOException(call + " failed: " + describe(errno));
    }

    private static String describe(int errno) {
        return switch (errno) {
            case 2 -> "No such file or directory";
            case 13 -> "Permission denied";
            case 98 -> "Address already in use";
            case 111 -> "Connection refused";
            case ENAMETOOLONG -> "File name too long";
            default -> "errno " + errno;
        };
    }
}
