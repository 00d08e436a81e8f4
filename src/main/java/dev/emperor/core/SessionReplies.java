package dev.emperor.core;

import dev.emperor.internal.Native;

/**
 * The handler of {@link FdHandlers.Kind#FORK_SERVER_SESSION}: part or all of a fork server's pid
 * reply is readable. A failure is not the vassal's to pay for with a postponed timer: the session
 * has its own deadline, so its fd only leaves the epoll set and the session times out.
 */
final class SessionReplies implements FdHandlers.Handler {
    private final Adoptions adoptions;
    private final Lifecycle lifecycle;
    private final Native.Poller poller;

    SessionReplies(Adoptions adoptions, Lifecycle lifecycle, Native.Poller poller) {
        this.adoptions = adoptions;
        this.lifecycle = lifecycle;
        this.poller = poller;
    }

    @Override
    public String what(int fd) {
        return "fork-server session on fd " + fd;
    }

    @Override
    public void readable(Vassal v, int fd, long now) {
        adoptions.readable(v, now, lifecycle);
    }

    @Override
    public String whatAfter(int fd) {
        return "unwatching fd " + fd;
    }

    @Override
    public void failed(Vassal v, int fd, long now) {
        poller.remove(fd);
    }

    @Override
    public boolean blamesVassal() {
        return false;
    }
}
