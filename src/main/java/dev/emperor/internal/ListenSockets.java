package dev.emperor.internal;

import java.nio.charset.StandardCharsets;
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

    private final LibC c;
    private final Runtime rt;

    ListenSockets(LibC c, Runtime rt) {
        this.c = c;
        this.rt = rt;
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
        if (c.unlink(cpath) != 0 && rt.getLastError() != ENOENT) {
            return -rt.getLastError();
        }
        int fd = c.socket(LibC.AF_UNIX, SOCK_STREAM_CLOEXEC, 0);
        if (fd < 0) {
            return -rt.getLastError();
        }
        byte[] addr = new byte[2 + cpath.length];
        addr[0] = (byte) LibC.AF_UNIX;
        System.arraycopy(cpath, 0, addr, 2, cpath.length);
        if (c.bind(fd, addr, addr.length) != 0 || c.chmod(cpath, 0666) != 0 || c.listen(fd, backlog) != 0) {
            return fail(fd);
        }
        return fd;
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
