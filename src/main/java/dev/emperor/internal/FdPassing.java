package dev.emperor.internal;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * sendmsg/recvmsg with SCM_RIGHTS on a connected AF_UNIX socket, for the fork-server session and
 * the emperor proxy (docs/wire-formats.md, "Fork-server session"). Layouts are glibc LP64 (x86_64 and aarch64 agree):
 * msghdr is 56 bytes {name@0, namelen@8, iov@16, iovlen@24, control@32, controllen@40, flags@48},
 * iovec is {base@0, len@8}, cmsghdr is {len(size_t)@0, level@8, type@12, data@16}.
 * Rare calls, so each allocates its own native block instead of sharing scratch across threads.
 */
final class FdPassing {
    static final int MAX_SEND_FDS = 3;
    private static final int MSGHDR = 56;
    private static final int IOVEC = 16;
    private static final int CMSGHDR = 16;

    private final LibC c;
    private final Runtime rt;

    FdPassing(LibC c, Runtime rt) {
        if (rt.addressSize() != 8) {
            throw new UnsupportedOperationException("only LP64 platforms are supported");
        }
        this.c = c;
        this.rt = rt;
    }

    /** One sendmsg of all of {@code data} plus fds; bytes sent (may be short) or -errno. */
    int send(int sock, byte[] data, int... fds) {
        // On a stream socket, rights attached to a zero-byte message are not delivered.
        if (data.length == 0) throw new IllegalArgumentException("at least one data byte is needed");
        if (fds.length > MAX_SEND_FDS) throw new IllegalArgumentException("at most 3 fds");
        int ctlLen = fds.length == 0 ? 0 : space(4 * fds.length);
        Pointer mem = Memory.allocateDirect(rt, MSGHDR + IOVEC + ctlLen + data.length, true);
        Pointer iov = mem.slice(MSGHDR);
        Pointer ctl = mem.slice(MSGHDR + IOVEC);
        Pointer buf = mem.slice(MSGHDR + IOVEC + ctlLen);
        buf.put(0, data, 0, data.length);
        iov.putAddress(0, buf.address());
        iov.putLong(8, data.length);
        mem.putAddress(16, iov.address());
        mem.putLong(24, 1);
        if (fds.length > 0) {
            ctl.putLong(0, CMSGHDR + 4L * fds.length); // CMSG_LEN
            ctl.putInt(8, LibC.SOL_SOCKET);
            ctl.putInt(12, LibC.SCM_RIGHTS);
            for (int i = 0; i < fds.length; i++) ctl.putInt(CMSGHDR + 4L * i, fds[i]);
            mem.putAddress(32, ctl.address());
            mem.putLong(40, ctlLen);
        }
        while (true) {
            long n = c.sendmsg(sock, mem, LibC.MSG_NOSIGNAL);
            if (n >= 0) return (int) n;
            int errno = rt.getLastError();
            if (errno != LibC.EINTR) return -errno;
        }
    }

    /** One recvmsg of up to {@code buf.length} bytes and up to {@code maxFds} fds. */
    ReceivedFds receive(int sock, byte[] buf, int maxFds) {
        if (buf.length == 0) throw new IllegalArgumentException("empty buffer");
        int ctlLen = space(4 * Math.max(1, maxFds));
        Pointer mem = Memory.allocateDirect(rt, MSGHDR + IOVEC + ctlLen + buf.length, true);
        Pointer iov = mem.slice(MSGHDR);
        Pointer ctl = mem.slice(MSGHDR + IOVEC);
        Pointer data = mem.slice(MSGHDR + IOVEC + ctlLen);
        iov.putAddress(0, data.address());
        iov.putLong(8, buf.length);
        mem.putAddress(16, iov.address());
        mem.putLong(24, 1);
        mem.putAddress(32, ctl.address());
        mem.putLong(40, ctlLen);
        long n;
        while (true) {
            // MSG_CMSG_CLOEXEC: received fds must not leak into the next spawned child.
            n = c.recvmsg(sock, mem, LibC.MSG_CMSG_CLOEXEC);
            if (n >= 0) break;
            int errno = rt.getLastError();
            if (errno != LibC.EINTR) return new ReceivedFds(-errno, new int[0], false);
        }
        data.get(0, buf, 0, (int) n);
        long used = mem.getLong(40); // the kernel stores the control length it filled in
        int[] fds = new int[0];
        for (long off = 0; off + CMSGHDR <= used; ) {
            long len = ctl.getLong(off);
            if (len < CMSGHDR) break;
            if (ctl.getInt(off + 8) == LibC.SOL_SOCKET && ctl.getInt(off + 12) == LibC.SCM_RIGHTS) {
                int count = (int) ((len - CMSGHDR) / 4);
                int[] more = new int[fds.length + count];
                System.arraycopy(fds, 0, more, 0, fds.length);
                for (int i = 0; i < count; i++) more[fds.length + i] = ctl.getInt(off + CMSGHDR + 4L * i);
                fds = more;
            }
            off += (len + 7) & ~7L;
        }
        boolean truncated = (mem.getInt(48) & LibC.MSG_CTRUNC) != 0;
        return new ReceivedFds((int) n, fds, truncated);
    }

    /** CMSG_SPACE(n) on LP64. */
    private static int space(int n) {
        return CMSGHDR + ((n + 7) & ~7);
    }
}
