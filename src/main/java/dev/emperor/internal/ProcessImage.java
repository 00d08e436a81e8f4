package dev.emperor.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Replacing the running JVM by a fresh program in the same process (the in-place upgrade), and the
 * fds that cross it. The traps, each proved by ExecTrapsTest (docs/platform-notes.md, "Replacing the
 * JVM in place"): execve ends every other thread, so children spawned by another thread with a
 * parent-death signal die with it — execve must be called on the thread that spawned the vassals;
 * an fd crosses only without FD_CLOEXEC, so everything is marked first and only the handed-over fds
 * are cleared.
 */
final class ProcessImage {
    private final LibC c;
    private final Runtime rt;

    ProcessImage(LibC c, Runtime rt) {
        this.c = c;
        this.rt = rt;
    }

    /** execve(2); returns the errno when it failed (on success it does not return). */
    int execve(String path, List<String> argv, List<String> env) {
        Pointer argvArray = cStringArray(argv);
        Pointer envArray = cStringArray(env);
        c.execve(cString(path), argvArray, envArray);
        return rt.getLastError();
    }

    /** memfd_create(name, MFD_CLOEXEC): an anonymous file for a document handed across execve. */
    int memfd(String name) {
        int fd = c.memfd_create(cString(name), LibC.MFD_CLOEXEC);
        if (fd < 0) {
            throw new NativeException("memfd_create", rt.getLastError());
        }
        return fd;
    }

    /** Sets or clears FD_CLOEXEC on one fd. */
    void setCloseOnExec(int fd, boolean on) {
        int flags = c.fcntl(fd, LibC.F_GETFD, 0);
        int wanted = on ? flags | LibC.FD_CLOEXEC : flags & ~LibC.FD_CLOEXEC;
        if (flags < 0 || c.fcntl(fd, LibC.F_SETFD, wanted) < 0) {
            throw new NativeException("fcntl(" + fd + ", F_SETFD)", rt.getLastError());
        }
    }

    /** A NULL-terminated char*[] in native memory that lives as long as the returned pointer. */
    private Pointer cStringArray(List<String> values) {
        int slot = rt.addressSize();
        byte[][] encoded = new byte[values.size()][];
        long strings = 0;
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = cString(values.get(i));
            strings += encoded[i].length;
        }
        long arrayBytes = (long) slot * (encoded.length + 1);
        Pointer mem = Memory.allocateDirect(rt, (int) (arrayBytes + strings), true);
        long off = arrayBytes;
        for (int i = 0; i < encoded.length; i++) {
            mem.put(off, encoded[i], 0, encoded[i].length);
            mem.putAddress((long) i * slot, mem.address() + off);
            off += encoded[i].length;
        }
        mem.putAddress((long) encoded.length * slot, 0L);
        return mem;
    }

    private static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }
}
