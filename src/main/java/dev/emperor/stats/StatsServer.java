package dev.emperor.stats;

import dev.emperor.internal.Errno;
import dev.emperor.internal.ReserveFd;
import dev.emperor.internal.SocketFds;
import dev.emperor.core.EmperorSnapshot;
import dev.emperor.log.Log;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The Emperor stats server ({@code emperor-stats}, docs/wire-formats.md, "Stats document"). Like uWSGI it
 * writes the JSON document to a client that sends nothing, then closes; unlike uWSGI it also speaks
 * HTTP/1.1 to a client that sends a request within the sniff window ({@code GET /} or
 * {@code GET /stats}; more routes via {@link #router()}).
 *
 * <p>One daemon thread named {@code stats} runs a non-blocking NIO selector; it only calls the
 * snapshot supplier and the route handlers, never the Emperor's event loop. Every connection is
 * closed at most {@code socketTimeout} after accept; a client that never reads costs one
 * connection slot, nothing else. Beyond {@code maxConnections} new clients are accepted and closed.
 *
 * <p>Longer than 300 lines on purpose: accepting, expiring and the out-of-fds path (a reserve fd to
 * accept and close one client, docs/reliability.md) share the selector's state and thread; the
 * per-connection protocol lives in StatsConnection.
 */
public final class StatsServer implements AutoCloseable {

    public static final Duration DEFAULT_SNIFF_WINDOW = Duration.ofMillis(300);
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /** uWSGI's {@code socket-timeout} default, used when the given timeout is not positive. */
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(4);
    private static final int ACCEPTS_PER_ROUND = 64;
    /** How long accepting pauses when even the reserve fd is in use (else the ready listener spins the thread). */
    private static final long ACCEPT_PAUSE_NANOS = 100_000_000L;

    private final String address;
    private final int backlog;
    private final String chmodSocket;
    private final long timeoutNanos;
    private final long sniffNanos;
    private final int maxConnections;
    private final Supplier<EmperorSnapshot> snapshots;
    private final boolean minified;
    private final Log log;
    private final Router router = new Router();

    private ServerSocketChannel listener;
    private ServerSocketChannel inherited;
    private volatile java.util.concurrent.CountDownLatch held;
    private boolean holding; // stats thread only
    private Selector selector;
    private Thread thread;
    private volatile boolean closing;
    private volatile SocketAddress bound;
    private final List<StatsConnection> connections = new ArrayList<>();
    private EmperorSnapshot cachedSnapshot; // stats thread only
    private SelectionKey listenerKey;
    private ReserveFd reserve; // stats thread only after start
    private long acceptResumeAt; // 0 = accepting
    private volatile Consumer<Errno.Resource> resourceErrors = r -> { };
    private byte[] cachedJson;

    /**
     * @param address        {@code host:port}, {@code :port}, {@code [v6]:port} or a UNIX socket path
     * @param backlog        listen backlog ({@code listen}, uWSGI default 100)
     * @param chmodSocket    {@code chmod-socket} octal mode for a UNIX socket, null = umask, "" = 666
     * @param socketTimeout  {@code socket-timeout}: the life span of one connection (not positive = 4 s)
     * @param snapshots      the latest published snapshot; called on the stats thread
     * @param minified       {@code stats-minified}
     * @param sniffWindow    how long to wait for an HTTP request before answering raw JSON (0 = answer
     *                       raw at once unless a request is already there, like uWSGI)
     * @param maxConnections connections served at once
     * @param log            the daemon's log (its failures are logged there, dated by log-date like every line)
     */
    public StatsServer(String address, int backlog, String chmodSocket, Duration socketTimeout,
            Supplier<EmperorSnapshot> snapshots, boolean minified, Duration sniffWindow, int maxConnections, Log log) {
        this.address = Objects.requireNonNull(address, "address");
        this.backlog = backlog;
        this.chmodSocket = chmodSocket;
        this.timeoutNanos = socketTimeout == null || socketTimeout.isNegative() || socketTimeout.isZero()
                ? DEFAULT_SOCKET_TIMEOUT.toNanos() : socketTimeout.toNanos();
        this.sniffNanos = sniffWindow == null || sniffWindow.isNegative() ? 0 : sniffWindow.toNanos();
        this.maxConnections = maxConnections;
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.minified = minified;
        this.log = Objects.requireNonNull(log, "log");
        HttpHandler stats = request -> HttpResponse.json(json());
        router.get("/", stats).get("/stats", stats);
    }

    /** Told of every accept that failed for want of fds or memory (for the metrics); set before {@link #start()}. */
    public void onResourceError(Consumer<Errno.Resource> counter) {
        this.resourceErrors = Objects.requireNonNull(counter);
    }

    /** The HTTP routes; {@code GET /} and {@code GET /stats} are preset. Add routes before or after start. */
    public Router router() {
        return router;
    }

    /**
     * Binds (unless {@link #bind()} did) and starts the {@code stats} thread.
     *
     * @throws IOException when the address or the chmod mode is invalid, or the address cannot be
     *                     bound (the message names the address); uWSGI then logs {@code fd: -1} and
     *                     runs on without stats
     */
    public synchronized void start() throws IOException {
        if (thread != null || closing) {
            throw new IllegalStateException("already started or closed");
        }
        if (listener == null) {
            bind();
        }
        try {
            selector = Selector.open();
            listenerKey = listener.register(selector, SelectionKey.OP_ACCEPT);
            reserve = takeReserve();
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            throw new IOException("cannot serve stats on " + address + ": " + e, e);
        }
        thread = new Thread(this::run, "stats");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Binds (or takes the socket handed over by {@link #adopt}) and listens, without serving yet:
     * clients that connect wait in the backlog until {@link #start()}. The daemon binds before its
     * first spawn, so that an address in use stops it before anything is spawned, and serves after
     * (docs/operations.md, "Start-up trace").
     *
     * @throws IOException as {@link #start()}
     */
    public synchronized void bind() throws IOException {
        if (listener != null || closing) {
            throw new IllegalStateException("already bound or closed");
        }
        try {
            SocketAddress where = StatsAddress.parse(address);
            Set<PosixFilePermission> mode = StatsAddress.mode(chmodSocket);
            if (inherited != null) {
                inherited.configureBlocking(false);
            }
            listener = inherited != null ? inherited : StatsAddress.bind(where, backlog, mode);
            bound = listener.getLocalAddress();
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            String reason = e.getMessage() != null && e.getMessage().contains(address) ? e.getMessage()
                    : "cannot bind stats server on " + address + ": " + e;
            throw new IOException(reason, e);
        }
    }

    /**
     * Serves on a listening socket handed over by the previous process (docs/upgrade.md) instead of
     * binding: its backlog, with the clients that connected during the exec, is kept. Before {@link #bind()}.
     */
    public synchronized void adopt(ServerSocketChannel listening) {
        this.inherited = Objects.requireNonNull(listening);
    }

    /**
     * In-place upgrade (docs/upgrade.md): stops accepting and waits (at most {@code wait}) until the
     * stats thread has, so that every connection it accepted was accepted before the caller marks all
     * fds close-on-exec; clients arriving later wait in the listen backlog, which the next process
     * serves. {@link #resumeAccepting()} undoes it (the exec failed). True when the thread confirmed.
     */
    public boolean holdAccepting(Duration wait) {
        java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
        held = latch;
        Selector sel = selector;
        if (sel == null || thread == null || !thread.isAlive()) {
            return true;
        }
        sel.wakeup();
        try {
            return latch.await(wait.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Accepting again after {@link #holdAccepting}. */
    public void resumeAccepting() {
        held = null; // the stats thread re-arms OP_ACCEPT at its next round
        Selector sel = selector;
        if (sel != null) {
            sel.wakeup();
        }
    }

    /** The bound address (the actual port for {@code :0}); null before {@link #start()}. */
    public SocketAddress boundAddress() {
        return bound;
    }

    /** The bound TCP port, or -1 (UNIX socket, not started). */
    public int port() {
        return bound instanceof InetSocketAddress inet ? inet.getPort() : -1;
    }

    /** The listening socket's file descriptor number for the startup log line, when /proc can tell. */
    public OptionalInt fd() {
        SocketAddress b = bound;
        return b == null ? OptionalInt.empty() : SocketFds.listeningFd(b);
    }

    /** Stops the thread, closes every connection and the listener, removes the UNIX socket file. Idempotent. */
    @Override
    public void close() {
        Thread t;
        Selector sel;
        synchronized (this) {
            closing = true;
            t = thread;
            sel = selector;
        }
        if (t == null) {
            closeQuietly();
            return;
        }
        if (sel != null) {
            sel.wakeup();
        }
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        ByteBuffer scratch = ByteBuffer.allocateDirect(16 * 1024);
        try {
            while (!closing) {
                long now = System.nanoTime();
                long next = expire(now);
                if (reserve != null && !reserve.held()) {
                    reserve.retake(); // works once the connection it served (or another fd) is closed
                }
                java.util.concurrent.CountDownLatch hold = held;
                if (hold != null) {
                    // in-place upgrade: new clients wait in the backlog for the next process
                    listenerKey.interestOps(0);
                    holding = true;
                    hold.countDown();
                } else if (holding) {
                    holding = false;
                    listenerKey.interestOps(SelectionKey.OP_ACCEPT);
                } else if (acceptResumeAt != 0) {
                    if (now - acceptResumeAt >= 0) {
                        acceptResumeAt = 0;
                        listenerKey.interestOps(SelectionKey.OP_ACCEPT);
                    } else {
                        next = Math.min(next, acceptResumeAt);
                    }
                }
                long waitMs = next == Long.MAX_VALUE ? 0 : Math.max(1, (next - now + 999_999) / 1_000_000);
                selector.select(waitMs);
                now = System.nanoTime();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.attachment() instanceof StatsConnection c) {
                        c.onReady(now, scratch);
                    } else if (key.isValid() && key.isAcceptable() && held == null) {
                        accept(now);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException | Error e) {
            log.error("[emperor] stats server stopped: " + withFrame(e));
        } finally {
            closeQuietly();
        }
    }

    /** Runs due timers, drops closed connections, returns the next due time (or MAX_VALUE). */
    private long expire(long now) {
        long next = Long.MAX_VALUE;
        for (int i = connections.size() - 1; i >= 0; i--) {
            StatsConnection c = connections.get(i);
            if (!c.isClosed() && now - c.due() >= 0) {
                c.onTimer(now);
            }
            if (c.isClosed()) {
                connections.set(i, connections.get(connections.size() - 1));
                connections.remove(connections.size() - 1);
            } else {
                next = Math.min(next, c.due());
            }
        }
        return next;
    }

    private void accept(long now) throws IOException {
        for (int i = 0; i < ACCEPTS_PER_ROUND; i++) {
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (IOException e) {
                ch = acceptOutOfFds(now, e);
            }
            if (ch == null) {
                return;
            }
            if (connections.size() >= maxConnections) {
                expire(now); // maybe some closed meanwhile
            }
            if (connections.size() >= maxConnections) {
                ch.close();
                continue;
            }
            try {
                ch.configureBlocking(false);
                SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
                StatsConnection c = new StatsConnection(this, ch, key, now, timeoutNanos, sniffNanos);
                key.attach(c);
                connections.add(c);
            } catch (IOException e) {
                ch.close();
            }
        }
    }

    /**
     * An accept failed (EMFILE and the like: docs/reliability.md). The stats must stay readable while
     * the Emperor is out of fds: the reserve fd is given up for this one client, and taken back once
     * an fd is free again. Without a reserve, accepting pauses briefly instead of spinning.
     */
    private SocketChannel acceptOutOfFds(long now, IOException e) {
        Errno.Resource r = Errno.resource(Errno.of(e));
        if (r != null) {
            resourceErrors.accept(r);
        }
        if (reserve != null && reserve.release()) {
            try {
                SocketChannel ch = listener.accept();
                if (ch != null) {
                    return ch;
                }
            } catch (IOException again) {
                // still none: pause below
            }
        }
        log.debug("[emperor] stats accept failed: " + e + "; accepting again in 100 ms");
        listenerKey.interestOps(0);
        acceptResumeAt = now + ACCEPT_PAUSE_NANOS;
        if (acceptResumeAt == 0) {
            acceptResumeAt = 1;
        }
        return null;
    }

    private ReserveFd takeReserve() {
        try {
            return ReserveFd.take();
        } catch (RuntimeException | LinkageError e) {
            log.debug("[emperor] no reserve fd for the stats server: " + e);
            return null;
        }
    }

    /** The current document; re-rendered only when a new snapshot was published. Stats thread only. */
    byte[] json() {
        EmperorSnapshot s = Objects.requireNonNull(snapshots.get(), "no snapshot published");
        if (s != cachedSnapshot) {
            cachedJson = StatsJson.toBytes(s, minified);
            cachedSnapshot = s;
        }
        return cachedJson;
    }

    HttpResponse dispatch(HttpRequest request) {
        return router.handle(request);
    }

    void failed(String what, RuntimeException e) {
        log.warn("[emperor] " + what + " failed: " + withFrame(e));
    }

    /** The exception and where it was thrown: enough to find the bug without a multi-line trace in the log. */
    private static String withFrame(Throwable e) {
        StackTraceElement[] trace = e.getStackTrace();
        return trace.length == 0 ? e.toString() : e + " (at " + trace[0] + ")";
    }

    private synchronized void closeQuietly() {
        if (reserve != null) {
            reserve.close();
            reserve = null;
        }
        for (StatsConnection c : connections) {
            c.close();
        }
        connections.clear();
        try {
            if (selector != null) {
                selector.close();
            }
        } catch (IOException e) {
            // ignore
        }
        try {
            if (listener != null) {
                listener.close();
            }
        } catch (IOException e) {
            // ignore
        }
        if (bound instanceof UnixDomainSocketAddress unix) {
            try {
                Files.deleteIfExists(unix.getPath());
            } catch (IOException e) {
                // ignore
            }
        }
        listener = null;
        selector = null;
    }
}
