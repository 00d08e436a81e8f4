package dev.emperor.core;

/**
 * The handler of {@link FdHandlers.Kind#ON_DEMAND_SOCKET}: a client knocked on the listening socket
 * of a sleeping on-demand vassal (the Emperor never accepts: the spawned vassal does). A start that
 * throws leaves the vassal throttled for a second rather than its socket spinning the loop.
 */
final class OnDemandConnections implements FdHandlers.Handler {
    private final Lifecycle lifecycle;

    OnDemandConnections(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public String what(int fd) {
        return "on-demand connection";
    }

    @Override
    public void readable(Vassal v, int fd, long now) {
        lifecycle.onDemandConnection(v, now);
    }

    @Override
    public String whatAfter(int fd) {
        return "throttling after a failed on-demand start";
    }

    @Override
    public void failed(Vassal v, int fd, long now) {
        lifecycle.onDemandStartFailed(v, now);
    }
}
