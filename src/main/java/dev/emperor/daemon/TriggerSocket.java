package dev.emperor.daemon;

import dev.emperor.core.EmperorLog;
import dev.emperor.internal.Native;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code emperor-trigger-socket ADDR} as uWSGI master has it (docs/uwsgi-compat.md, "Trigger socket"): an
 * {@code ADDR} with a {@code :} is a TCP listening socket ({@code host:port}, {@code :port} = every interface),
 * anything else a UNIX stream socket (relative to the Emperor's {@code chdir}), logged as
 * {@code *** Emperor trigger socket enabled on ADDR fd: N ***}. Master adds the fd to its event queue but
 * has no handler for it: the first connection makes it readable, the loop finds no vassal owning it, logs
 * {@code [emperor] unrecognized vassal event on fd N} and closes it, and the socket never listens again.
 * This class does exactly that, on its own thread (the socket holds no vassal state, so the loop is not
 * involved). A bind failure is fatal, as master's {@code bind_to_tcp}/{@code bind_to_unix}.
 */
public final class TriggerSocket implements AutoCloseable {
    private final Native nat;
    private final EmperorLog log;
    private final int fd;
    private final Native.Poller poller;
    private final Thread thread;
    private volatile boolean closed;
    private boolean fdClosed;

    private TriggerSocket(Native nat, EmperorLog log, int fd) {
        this.nat = nat;
        this.log = log;
        this.fd = fd;
        this.poller = nat.newPoller();
        this.poller.add(fd);
        this.thread = new Thread(this::watch, "trigger");
        this.thread.setDaemon(true);
    }

    /** Thrown after the failure was logged: the daemon exits 1. */
    public static final class BindFailed extends Exception {
        BindFailed(String message) {
            super(message);
        }
    }

    /**
     * Binds {@code address} ({@code null} = no trigger socket, returns null) and starts watching it.
     *
     * @param base    the Emperor's directory: a relative UNIX path is taken from it
     * @param backlog {@code listen}
     */
    public static TriggerSocket start(Native nat, String address, Path base, int backlog, EmperorLog log)
            throws BindFailed {
        if (address == null) {
            return null;
        }
        int fd = bind(nat, address, base, backlog);
        if (fd < 0) {
            String why = "cannot bind the Emperor trigger socket on " + address + ": " + nat.strerror(-fd);
            log.error("[emperor] " + why);
            throw new BindFailed(why);
        }
        TriggerSocket t = new TriggerSocket(nat, log, fd);
        log.plain("*** Emperor trigger socket enabled on " + address + " fd: " + fd + " ***");
        t.thread.start();
        return t;
    }

    /** The fd, or a negative errno. */
    static int bind(Native nat, String address, Path base, int backlog) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            return nat.listenUnix(base.resolve(address).toString(), backlog);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -22; // EINVAL
        }
        if (port < 0 || port > 65535) {
            return -22;
        }
        String host = address.substring(0, colon);
        if (host.equals("localhost")) {
            host = "127.0.0.1";
        } else if (host.equals("*") || host.equals("0.0.0.0")) {
            host = "";
        }
        return nat.listenTcp(host, port, backlog);
    }

    private void watch() {
        while (!closed) {
            List<Integer> ready;
            try {
                ready = poller.await(-1);
            } catch (RuntimeException e) {
                if (!closed) {
                    log.error("[emperor] trigger socket: " + e.getMessage());
                }
                return;
            }
            if (ready.contains(fd) && !closed) {
                log.plain("[emperor] unrecognized vassal event on fd " + fd);
                closeFd();
                return;
            }
        }
    }

    private synchronized void closeFd() {
        if (!fdClosed) {
            fdClosed = true;
            poller.remove(fd);
            nat.close(fd);
        }
    }

    /** True once the socket was closed (by its first event, as in master, or by {@link #close}). */
    public synchronized boolean isClosed() {
        return fdClosed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        poller.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeFd();
        poller.close();
    }
}
