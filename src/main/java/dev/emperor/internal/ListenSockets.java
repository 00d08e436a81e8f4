package dev.emperor.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.Runtime;

/**
 * uWSGI's {@code on_demand_bind} (core/emperor.c): the listening socket of an on-demand vassal,
 * bound by the Emperor and handed to the vassal on fd 0. Both kinds are blocking (the Emperor never
 * accept()s; the vassal shares the open file description and sets its own flags) and close-on-exec
 * (only the dup2 of a spawn's file action puts it into a child). Errors come back as -errno.
 */
final class ListenSockets {
    private static final int ENOENT = 2;
    private static final int SOCK_STREAM_CLOEXEC = LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC;
    private static final int O_PATH = 010000000;
    /** Differs by architecture (asm-generic vs x86), as in RegularFiles. */
    private static final int O_NOFOLLOW = RegularFiles.O_NOFOLLOW;
    private static final int SOCK_NONBLOCK = 04000;
    private static final int S_IFMT = 0170000;
    static final int S_IFSOCK = 0140000;

    private final LibC c;
    private final Runtime rt;
    /** Runs between bind and chmod: tests swap the new socket file there. */
    private final Runnable afterBind;

    ListenSockets(LibC c, Runtime rt) {
        this(c, rt, () -> { });
    }

    ListenSockets(LibC c, Runtime rt, Runnable afterBind) {
        this.c = c;
        this.rt = rt;
        this.afterBind = afterBind;
    }

    int tcp(String host, int port, int backlog) {
        byte[] ip = host.isEmpty() ? new byte[4] : ipv4(host);
        if (ip == null || port < 0 || port > 65535) {
            return -Native.EINVAL; // uWSGI's inet_addr gives INADDR_NONE and bind fails; say so before
        }
        int fd = c.socket(LibC.AF_INET, SOCK_STREAM_CLOEXEC, 0);
        if (fd < 0) {
            return -rt.getLastError();
        }
        // struct sockaddr_in: family (host order u16), port (network order), addr (network order), 8 zero bytes
        byte[] addr = new byte[16];
        addr[0] = (byte) LibC.AF_INET;
        addr[2] = (byte) (port >> 8);
        addr[3] = (byte) port;
        System.arraycopy(ip, 0, addr, 4, 4);
        if (c.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_REUSEADDR, new int[] {1}, 4) != 0
                || c.bind(fd, addr, addr.length) != 0 || c.listen(fd, backlog) != 0) {
            return fail(fd);
        }
        return fd;
    }

    int unix(String path, int backlog) {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length > 107 || name.length == 0) {
            // sun_path holds 108 bytes with the NUL; uWSGI silently truncates to 102 and binds elsewhere
            return name.length == 0 ? -ENOENT : -Native.ENAMETOOLONG;
        }
        byte[] cpath = new byte[name.length + 1];
        System.arraycopy(name, 0, cpath, 0, name.length);
        // The path comes from a vassal file's owner and we may be root: uWSGI unlinks whatever is
        // there (/etc/shadow included); here only a stale socket is removed, anything else makes the
        // bind fail with EADDRINUSE. Accepted residual race: whoever can write a directory on the
        // path can swap the name (or that directory) between this check and the unlink; closing it
        // would need a directory fd for every step (openat/unlinkat/bind via /proc/self/fd).
        int type = entryType(cpath);
        if (type < 0) {
            return type;
        }
        if (type != 0 && type != S_IFSOCK) {
            return -Native.EADDRINUSE;
        }
        byte[] addr = new byte[2 + cpath.length];
        addr[0] = (byte) LibC.AF_UNIX;
        System.arraycopy(cpath, 0, addr, 2, cpath.length);
        if (type == S_IFSOCK) {
            // only a stale socket goes: one somebody listens on (D-Bus's, docker's...) is not ours to replace
            int live = probe(addr);
            if (live != 0) {
                return live;
            }
            if (c.unlink(cpath) != 0 && rt.getLastError() != ENOENT) {
                return -rt.getLastError();
            }
        }
        int fd = c.socket(LibC.AF_UNIX, SOCK_STREAM_CLOEXEC, 0);
        if (fd < 0) {
            return -rt.getLastError();
        }
        if (c.bind(fd, addr, addr.length) != 0) {
            return fail(fd);
        }
        afterBind.run();
        int err = chmodSocket(cpath);
        if (err == 0 && c.listen(fd, backlog) != 0) {
            err = -rt.getLastError();
        }
        if (err != 0) {
            c.close(fd);
            if (entryType(cpath) == S_IFSOCK) {
                c.unlink(cpath); // the file our bind made: not left behind
            }
            return err;
        }
        return fd;
    }

    /**
     * 0 when nobody listens on the socket at {@code addr} (connect refused: stale), else -EADDRINUSE.
     * Non-blocking, so a full backlog answers EAGAIN (live) instead of blocking the loop.
     */
    private int probe(byte[] addr) {
        int s = c.socket(LibC.AF_UNIX, SOCK_STREAM_CLOEXEC | SOCK_NONBLOCK, 0);
        if (s < 0) {
            return -rt.getLastError();
        }
        try {
            if (c.connect(s, addr, addr.length) != 0 && rt.getLastError() == Native.ECONNREFUSED) {
                return 0;
            }
            return -Native.EADDRINUSE;
        } finally {
            c.close(s);
        }
    }

    /** What to do with the O_PATH fd of an entry: its /proc link and its file-type bits. */
    @FunctionalInterface
    private interface OnEntry {
        int apply(Path procLink, int type) throws IOException;
    }

    /**
     * Opens the entry at {@code cpath} itself with O_PATH|O_NOFOLLOW (never blocks, needs no
     * permission on the entry, a symlink is not followed; the name reaches the kernel as exactly the
     * bytes we unlink and bind) and hands its /proc link and type (the fd's own stat, an fstat
     * without struct layouts) to {@code then}. {@code missing}: the result when there is no entry.
     */
    private int withEntry(byte[] cpath, int missing, OnEntry then) {
        int fd = c.open(cpath, O_PATH | O_NOFOLLOW | LibC.O_CLOEXEC, 0);
        if (fd < 0) {
            int errno = rt.getLastError();
            return errno == ENOENT ? missing : -errno;
        }
        try {
            Path link = Path.of("/proc/self/fd/" + fd);
            return then.apply(link, (Integer) Files.getAttribute(link, "unix:mode") & S_IFMT);
        } catch (IOException | RuntimeException e) {
            return -Native.EINVAL;
        } finally {
            c.close(fd);
        }
    }

    /**
     * chmod 0666 of the socket our bind made, through its O_PATH fd's /proc link: chmod(2) of the
     * name would follow a symlink swapped in since the bind (root would chmod any file 0666), and a
     * hard link swapped in is no socket; fchmodat(AT_SYMLINK_NOFOLLOW) would need glibc 2.32 and
     * still follow hard links.
     */
    private int chmodSocket(byte[] cpath) {
        return withEntry(cpath, -ENOENT, (link, type) -> type != S_IFSOCK ? -Native.EADDRINUSE
                : c.chmod((link + "\0").getBytes(StandardCharsets.US_ASCII), 0666) != 0 ? -rt.getLastError() : 0);
    }

    /** The file-type bits of the entry at {@code cpath} itself, 0 when there is none, or a negative errno. */
    private int entryType(byte[] cpath) {
        return withEntry(cpath, 0, (link, type) -> type);
    }

    private int fail(int fd) {
        int errno = rt.getLastError();
        c.close(fd);
        return -errno;
    }

    /** A dotted quad only (no hostnames, no IPv6, no inet_aton shorthand): 4 bytes, network order. */
    static byte[] ipv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("[0-9]{1,3}")) {
                return null;
            }
            int v = Integer.parseInt(parts[i]);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }
}
