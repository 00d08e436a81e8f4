package dev.emperor.internal;

import java.nio.charset.StandardCharsets;

/**
 * One fd held in reserve (on /dev/null, close-on-exec) so that a server out of fds can still accept
 * and answer one client: release it, accept, serve, take it again once the fd count allows
 * (docs/reliability.md, "Resource exhaustion"). Not thread-safe: one owner thread.
 */
public final class ReserveFd {
    private static final byte[] DEV_NULL = "/dev/null\0".getBytes(StandardCharsets.US_ASCII);
    private final LibC c;
    private int fd = -1;

    private ReserveFd(LibC c) {
        this.c = c;
    }

    /** A reserve with its fd taken (if an fd is free now). */
    public static ReserveFd take() {
        ReserveFd r = new ReserveFd(JnrNative.load().libc());
        r.retake();
        return r;
    }

    public boolean held() {
        return fd >= 0;
    }

    /** Frees the reserved fd for the caller's next call; false when none was held. */
    public boolean release() {
        if (fd < 0) {
            return false;
        }
        c.close(fd);
        fd = -1;
        return true;
    }

    /** Takes the fd again if it is not held; true when held afterwards. */
    public boolean retake() {
        if (fd < 0) {
            fd = c.open(DEV_NULL, LibC.O_CLOEXEC, 0); // O_RDONLY
        }
        return fd >= 0;
    }

    /** Gives the fd back for good. */
    public void close() {
        release();
    }
}
