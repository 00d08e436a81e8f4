package dev.emperor.internal;

import java.nio.charset.StandardCharsets;

/**
 * A few fds held in reserve (on /dev/null, close-on-exec) so that a thread of an Emperor out of fds
 * can still do its job: the stats server accepts and answers one client, the scanner opens the
 * vassal directory and one file (docs/reliability.md, "Resource exhaustion is survivable and visible"). Release them right
 * before the calls that need them, take them again right after. Not thread-safe: one owner thread.
 */
public final class ReserveFd {
    private static final byte[] DEV_NULL = "/dev/null\0".getBytes(StandardCharsets.US_ASCII);
    private final LibC c;
    private final int[] fds;

    private ReserveFd(LibC c, int count) {
        this.c = c;
        this.fds = new int[count];
        java.util.Arrays.fill(fds, -1);
    }

    /** A reserve of one fd, taken now (if an fd is free). */
    public static ReserveFd take() {
        return take(1);
    }

    /** A reserve of {@code count} fds, taken now (as many as are free). */
    public static ReserveFd take(int count) {
        ReserveFd r = new ReserveFd(JnrNative.load().libc(), count);
        r.retake();
        return r;
    }

    /** True when every fd of the reserve is held. */
    public boolean held() {
        for (int fd : fds) {
            if (fd < 0) {
                return false;
            }
        }
        return true;
    }

    /** Frees the reserved fds for the caller's next calls; false when none was held. */
    public boolean release() {
        boolean any = false;
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] >= 0) {
                c.close(fds[i]);
                fds[i] = -1;
                any = true;
            }
        }
        return any;
    }

    /** Takes the missing fds again, as far as fds are free; true when all are held afterwards. */
    public boolean retake() {
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] < 0) {
                fds[i] = c.open(DEV_NULL, LibC.O_CLOEXEC, 0); // O_RDONLY
            }
        }
        return held();
    }

    /** Gives the fds back for good. */
    public void close() {
        release();
    }
}
