package dev.emperor.core;

import dev.emperor.internal.Native;

/**
 * The handler of {@link FdHandlers.Kind#VASSAL_PIPE}: reads what a vassal's pipe holds (until EAGAIN
 * or a short read, not just one buffer, and at most {@link #MAX_PIPE_BYTES} so that a vassal flooding
 * its pipe cannot hold the loop) and hands each byte, or the EOF, to the table. Loop thread only.
 */
final class PipeReader implements FdHandlers.Handler {
    /** Bytes taken from one pipe per readiness. */
    private static final int MAX_PIPE_BYTES = 64 * 1024;

    private final Native nat;
    private final Lifecycle lifecycle;
    private final LoopClock clocks;
    private final byte[] readBuf = new byte[256];

    PipeReader(Native nat, Lifecycle lifecycle, LoopClock clocks) {
        this.nat = nat;
        this.lifecycle = lifecycle;
        this.clocks = clocks;
    }

    @Override
    public String what(int fd) {
        return "reading the pipe";
    }

    @Override
    public void readable(Vassal v, int fd, long at) {
        for (int total = 0; total < MAX_PIPE_BYTES && v.pipeFd >= 0; ) {
            int n = nat.read(v.pipeFd, readBuf, readBuf.length);
            if (n == -Native.EAGAIN) {
                return;
            }
            long now = clocks.monotonicMs();
            if (n <= 0) {
                lifecycle.pipeEof(v, now);
                return;
            }
            for (int i = 0; i < n && v.pipeFd >= 0; i++) {
                lifecycle.pipeByte(v, readBuf[i] & 0xff, now);
            }
            if (n < readBuf.length) {
                return; // a short read emptied the pipe; level-triggered epoll reports anything newer
            }
            total += n;
        }
    }
}
