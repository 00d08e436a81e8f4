package dev.emperor.internal;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Signals read from a signalfd instead of through HotSpot. HotSpot owns SIGQUIT (thread dumps) and
 * refuses Java handlers for it, and under {@code -Xrs} also for HUP, INT and TERM; a signal that
 * was ignored when the JVM started cannot be handled from Java at all. The launcher therefore
 * starts the JVM with {@code -Xrs} and these signals blocked; every thread the JVM creates inherits
 * the block (HotSpot unblocks them only without -Xrs), so the signals stay pending until read here
 * (docs/platform-notes.md, "Signals taken from a signalfd").
 */
final class SignalFds {
    /** struct signalfd_siginfo is 128 bytes; ssi_signo is its first uint32. */
    private static final int SIGINFO_SIZE = 128;

    private final LibC c;
    private final Runtime rt;

    SignalFds(LibC c, Runtime rt) {
        this.c = c;
        this.rt = rt;
    }

    /** Bit n-1 set for every signal n (1..64) blocked in the calling thread. */
    long blocked() {
        Pointer old = Memory.allocateDirect(rt, LibC.SIZEOF_SIGSET, true);
        if (c.pthread_sigmask(LibC.SIG_BLOCK, null, old) != 0) {
            return 0;
        }
        return old.getLong(0);
    }

    /**
     * A blocking signalfd for {@code mask}'s signals, after setting their dispositions to default:
     * an ignored signal is discarded when sent, before a signalfd could see it (a background job
     * of a non-interactive shell starts with INT and QUIT ignored). Only call this for signals
     * blocked in every thread, or the default action (termination) would run.
     *
     * @return the fd, or -errno
     */
    int open(long mask) {
        Pointer set = Memory.allocateDirect(rt, LibC.SIZEOF_SIGSET, true);
        if (c.sigemptyset(set) != 0) {
            return -rt.getLastError();
        }
        set.putLong(0, mask);
        for (int sig = 1; sig <= 64; sig++) {
            if ((mask & (1L << (sig - 1))) != 0) {
                c.signal(sig, null);
            }
        }
        int fd = c.signalfd(-1, set, LibC.SFD_CLOEXEC);
        return fd < 0 ? -rt.getLastError() : fd;
    }

    /** Blocks until one signal is read; its number, or -errno. */
    int read(int fd) {
        byte[] info = new byte[SIGINFO_SIZE];
        long n = c.read(fd, info, info.length);
        if (n < 0) {
            return -rt.getLastError();
        }
        if (n < 4) {
            return -Native.EINVAL;
        }
        // native byte order: little-endian on every platform this daemon supports (x86_64, aarch64)
        return (info[0] & 0xff) | (info[1] & 0xff) << 8 | (info[2] & 0xff) << 16 | (info[3] & 0xff) << 24;
    }
}
