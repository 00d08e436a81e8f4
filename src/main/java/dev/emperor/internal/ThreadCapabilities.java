package dev.emperor.internal;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The calling thread's capability sets (capget/capset, prctl keepcaps and ambient). Linux keeps
 * capabilities, keepcaps and the ambient set per thread, while glibc's setuid()/setgid() change the
 * ids of every thread: docs/capabilities.md, "Keeping capabilities in a JVM", says which thread holds
 * what and why the spawning thread is the one that must.
 */
final class ThreadCapabilities {
    private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    private static final int PR_SET_KEEPCAPS = 8;
    private static final int PR_CAP_AMBIENT = 47;
    private static final int PR_CAP_AMBIENT_RAISE = 2;
    private static final int PR_CAP_AMBIENT_CLEAR_ALL = 4;
    private static final int LAST_CAP = 63;

    private final LibC c;
    private final Runtime rt;

    ThreadCapabilities(LibC c, Runtime rt) {
        this.c = c;
        this.rt = rt;
    }

    /** {effective, permitted, inheritable} of the calling thread (capget, 64-bit masks). */
    long[] get() {
        Pointer hdr = header();
        Pointer data = Memory.allocateDirect(rt, 24, true);
        if (c.capget(hdr, data) != 0) {
            throw new NativeException("capget", rt.getLastError());
        }
        long[] out = new long[3];
        for (int i = 0; i < 3; i++) {
            // struct __user_cap_data_struct[2] { u32 effective, permitted, inheritable }: [0] low words, [1] high words
            long low = data.getInt(i * 4L) & 0xffffffffL;
            long high = data.getInt(12 + i * 4L) & 0xffffffffL;
            out[i] = low | (high << 32);
        }
        return out;
    }

    /** capset of the calling thread: effective = permitted = inheritable = {@code mask}. */
    void set(long mask) {
        set(header(), Memory.allocateDirect(rt, 24, true), mask);
    }

    private void set(Pointer hdr, Pointer data, long mask) {
        for (int i = 0; i < 3; i++) {
            data.putInt(i * 4L, (int) mask);
            data.putInt(12 + i * 4L, (int) (mask >>> 32));
        }
        if (c.capset(hdr, data) != 0) {
            throw new NativeException("capset", rt.getLastError());
        }
    }

    /**
     * Drops the process to gid/uid while the calling thread keeps exactly {@code mask}: keepcaps on
     * this thread, setgroups/setgid/setuid (glibc applies them to every thread; the others, without
     * keepcaps, lose all their capabilities), then capset here. The order of uWSGI's {@code cap}.
     */
    void dropKeeping(int uid, int gid, long mask) {
        // a thread created while keepcaps is set inherits it and would keep root's permitted set across
        // setuid: nothing between here and setuid may start one. jnr-ffi starts its reference reaper
        // thread on the first auto-released allocation, so allocate (and capget) before keepcaps
        get();
        Pointer hdr = header();
        Pointer data = Memory.allocateDirect(rt, 24, true);
        int[] noGroups = new int[0];
        if (c.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
            throw new NativeException("prctl(PR_SET_KEEPCAPS)", rt.getLastError());
        }
        if (c.setgroups(0, noGroups) != 0) {
            throw new NativeException("setgroups(0)", rt.getLastError());
        }
        if (c.setgid(gid) != 0) {
            throw new NativeException("setgid(" + gid + ")", rt.getLastError());
        }
        if (c.setuid(uid) != 0) {
            throw new NativeException("setuid(" + uid + ")", rt.getLastError());
        }
        set(hdr, data, mask);
        c.prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0); // nothing else may keep capabilities across a later uid change
    }

    /** Sets the calling thread's ambient set to exactly {@code mask} (each bit must be permitted and inheritable). */
    void ambient(long mask) {
        if (c.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) {
            throw new NativeException("prctl(PR_CAP_AMBIENT_CLEAR_ALL)", rt.getLastError());
        }
        for (int cap = 0; cap <= LAST_CAP; cap++) {
            if ((mask & (1L << cap)) != 0 && c.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) {
                int errno = rt.getLastError();
                c.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
                throw new NativeException("prctl(PR_CAP_AMBIENT_RAISE, " + cap + ")", errno);
            }
        }
    }

    private Pointer header() {
        Pointer hdr = Memory.allocateDirect(rt, 8, true);
        hdr.putInt(0, LINUX_CAPABILITY_VERSION_3);
        hdr.putInt(4, 0); // pid 0: the calling thread
        return hdr;
    }
}
