package dev.emperor.command;

import dev.emperor.internal.SocketFds;
import dev.emperor.config.EmperorConfig;
import dev.emperor.control.EmperorCommands;
import dev.emperor.core.EmperorLog;
import dev.emperor.internal.UnixDatagramSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The Emperor command socket, {@code emperor-command-socket ADDR} (uWSGI master
 * {@code core/emperor.c: emperor_loop}; docs/wire-formats.md, "Command socket"): an {@code ADDR} with a
 * {@code :} is a UDP socket ({@code bind_to_udp}; {@code host:port}, {@code :port} = every
 * interface, {@code [v6]:port}), anything else a UNIX datagram socket path
 * ({@code bind_to_unix_dgram}; a relative path is taken from the Emperor's {@code chdir}).
 * <p>
 * One daemon thread named {@code command} receives datagrams of at most 4096 bytes and hands them
 * to a {@link CommandDispatcher}; it never touches the loop's state. Logs uWSGI's
 * {@code *** Emperor command socket enabled on %s fd: %d ***}. A bind failure is fatal
 * ({@link IOException} naming the address), as uWSGI's {@code bind_to_unix_dgram} is. Differences:
 * a stale UNIX socket file is removed only if it is a socket nobody is bound to (uWSGI unlinks
 * whatever is there), {@code chmod-socket} applies to it (uWSGI ignores it for datagram sockets),
 * and the file is removed on close.
 */
public final class CommandSocket implements AutoCloseable {

    /** One bound datagram socket, blocking. */
    private interface Receiver extends AutoCloseable {
        /** One datagram's length into buf, or -1 once closed. */
        int receive(byte[] buf) throws IOException;

        @Override
        void close() throws IOException;
    }

    private final String address;
    private final Receiver receiver;
    private final Path unixPath;
    private final int fd;
    private final EmperorLog log;
    private final Thread thread;
    private volatile boolean closed;
    /** An in-place upgrade is about to exec: datagrams stay queued for the successor (docs/upgrade.md). */
    private volatile boolean held;
    private final Object gate = new Object();

    private CommandSocket(String address, Receiver receiver, Path unixPath, int fd, CommandDispatcher dispatcher,
            EmperorLog log) {
        this.address = address;
        this.receiver = receiver;
        this.unixPath = unixPath;
        this.fd = fd;
        this.log = log;
        this.thread = new Thread(() -> receiveLoop(dispatcher), "command");
        this.thread.setDaemon(true);
    }

    /**
     * Starts the command socket {@code config} asks for (null when it asks for none), commands going
     * to {@code commands}; logs the startup line, or on failure the {@code fd: -1} line and an error
     * naming the address, then throws: the daemon must exit 1.
     */
    public static CommandSocket start(EmperorConfig config, EmperorCommands commands, EmperorLog log) throws IOException {
        return start(config, commands, log, -1);
    }

    /**
     * As {@link #start(EmperorConfig, EmperorCommands, EmperorLog)}, serving on {@code inheritedFd}
     * (&ge; 0: the socket handed over by an in-place upgrade, close-on-exec again; docs/upgrade.md) when
     * it is bound on the address the configuration asks for: the datagrams sent during the exec wait in
     * its queue and are handled now. Otherwise that fd is closed and the address bound afresh.
     */
    public static CommandSocket start(EmperorConfig config, EmperorCommands commands, EmperorLog log, int inheritedFd)
            throws IOException {
        Path base = config.chdir() != null ? config.startupCwd().resolve(config.chdir()) : config.startupCwd();
        String address = config.commandSocket();
        if (inheritedFd >= 0) {
            if (address != null && boundOn(inheritedFd, address, base)) {
                return adopt(address, address.indexOf(':') >= 0 ? null : base.resolve(address), inheritedFd,
                        new CommandDispatcher(commands, log), log);
            }
            log.warn("[emperor] in-place upgrade: the command socket handed over (fd " + inheritedFd + ") is not bound on "
                    + (address == null ? "an emperor-command-socket (the option is gone)" : address) + "; closing it");
            UnixDatagramSocket.inherited(inheritedFd).close();
        }
        if (address == null) {
            return null;
        }
        return open(address, base, config.chmodSocket(), new CommandDispatcher(commands, log), log);
    }

    /** The socket of {@code fd} is this process's one bound on {@code address} (looked up in /proc). */
    static boolean boundOn(int fd, String address, Path base) {
        int colon = address.lastIndexOf(':');
        if (colon >= 0) {
            String port = address.substring(colon + 1);
            return port.matches("[0-9]{1,5}") && SocketFds.udpFd(Integer.parseInt(port)).orElse(-1) == fd;
        }
        return SocketFds.listeningFd(java.net.UnixDomainSocketAddress.of(base.resolve(address))).orElse(-1) == fd;
    }

    /** A bound or inherited UNIX datagram socket as the receiving thread reads it. */
    private static Receiver unixReceiver(UnixDatagramSocket s) {
        return new Receiver() {
            @Override
            public int receive(byte[] buf) throws IOException {
                return s.receive(buf);
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    private static CommandSocket adopt(String address, Path unixPath, int fd, CommandDispatcher dispatcher, EmperorLog log) {
        UnixDatagramSocket s = UnixDatagramSocket.inherited(fd);
        Receiver r = unixReceiver(s);
        CommandSocket socket = new CommandSocket(address, r, unixPath, fd, dispatcher, log);
        log.plain("*** Emperor command socket enabled on " + address + " fd: " + fd + " ***");
        socket.thread.start();
        return socket;
    }

    /** Binds {@code address} and starts the {@code command} thread; see {@link #start}. */
    public static CommandSocket open(String address, Path base, String chmodSocket, CommandDispatcher dispatcher,
            EmperorLog log) throws IOException {
        CommandSocket socket;
        try {
            socket = address.indexOf(':') >= 0 ? udp(address, dispatcher, log)
                    : unix(address, base.resolve(address), chmodSocket, dispatcher, log);
        } catch (IOException | RuntimeException e) {
            log.plain("*** Emperor command socket enabled on " + address + " fd: -1 ***");
            String why = "cannot bind the Emperor command socket on " + address + ": " + e.getMessage();
            log.error("[emperor] " + why);
            throw new IOException(why, e);
        }
        log.plain("*** Emperor command socket enabled on " + address + " fd: " + socket.fd + " ***");
        socket.thread.start();
        return socket;
    }

    /** The socket's fd number (-1 when the JDK does not say). */
    public int fd() {
        return fd;
    }

    /** Stops the thread (wakes a blocked receive) and closes the socket; removes a UNIX socket file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            receiver.close();
        } catch (IOException e) {
            log.debug("[emperor] closing the command socket: " + e);
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (unixPath != null) {
            try {
                Files.deleteIfExists(unixPath);
            } catch (IOException e) {
                log.debug("[emperor] cannot remove " + unixPath + ": " + e);
            }
        }
    }

    private void receiveLoop(CommandDispatcher dispatcher) {
        byte[] buf = new byte[CommandDatagram.MAX_DATAGRAM];
        while (!closed) {
            int n;
            try {
                n = receiver.receive(buf);
            } catch (IOException e) {
                if (!closed) {
                    log.error("[emperor] command socket " + address + ": " + e.getMessage()
                            + "; no more commands are read");
                }
                return;
            }
            if (n < 0) {
                return;
            }
            synchronized (gate) {
                if (held) {
                    requeue(buf, n);
                    while (held && !closed) {
                        try {
                            gate.wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    continue;
                }
                try {
                    dispatcher.handle(buf, n);
                } catch (RuntimeException e) {
                    log.error("[emperor] command socket " + address + ": cannot handle a datagram: " + e);
                }
            }
        }
    }

    /**
     * In-place upgrade, loop thread, just before the state is taken: no datagram is dispatched any
     * more (its loop task would die with the exec); returns once a dispatch under way has ended. One
     * received meanwhile is sent back to the socket, to wait in its queue for the successor.
     */
    public void hold() {
        synchronized (gate) {
            held = true;
        }
    }

    /** The exec failed: this process reads commands again. */
    public void release() {
        synchronized (gate) {
            held = false;
            gate.notifyAll();
        }
    }

    /** Puts a datagram read while held back into this socket's queue (at its end). */
    private void requeue(byte[] buf, int n) {
        byte[] data = java.util.Arrays.copyOf(buf, n);
        try {
            if (unixPath != null) {
                UnixDatagramSocket.sendTo(unixPath.toString(), data);
                return;
            }
            int colon = address.lastIndexOf(':');
            String host = address.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            InetAddress to = host.isEmpty() ? InetAddress.getLoopbackAddress() : InetAddress.getByName(host);
            if (to.isAnyLocalAddress()) {
                to = InetAddress.getLoopbackAddress();
            }
            try (DatagramChannel ch = DatagramChannel.open()) {
                ch.send(ByteBuffer.wrap(data), new InetSocketAddress(to, Integer.parseInt(address.substring(colon + 1))));
            }
        } catch (IOException | RuntimeException e) {
            log.error("[emperor] command socket " + address + ": a datagram received during the in-place upgrade is lost ("
                    + e.getMessage() + ")");
        }
    }

    private static CommandSocket udp(String address, CommandDispatcher dispatcher, EmperorLog log) throws IOException {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        String portText = address.substring(colon + 1);
        if (!portText.matches("[0-9]{1,5}") || Integer.parseInt(portText) > 65535) {
            throw new IOException("invalid UDP port \"" + portText + "\"");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetSocketAddress where = host.isEmpty() ? new InetSocketAddress(Integer.parseInt(portText))
                : new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(portText));
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.bind(where);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        Receiver r = new Receiver() {
            @Override
            public int receive(byte[] buf) throws IOException {
                ByteBuffer bb = ByteBuffer.wrap(buf);
                try {
                    ch.receive(bb); // a longer datagram is truncated, as by recv()
                } catch (ClosedChannelException e) { // also AsynchronousCloseException from close()
                    return -1;
                }
                return bb.position();
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
        int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
        return new CommandSocket(address, r, null, SocketFds.udpFd(port).orElse(-1), dispatcher, log);
    }

    private static CommandSocket unix(String address, Path path, String chmodSocket, CommandDispatcher dispatcher,
            EmperorLog log) throws IOException {
        removeStale(path);
        UnixDatagramSocket s = UnixDatagramSocket.bind(path.toString());
        try {
            if (chmodSocket != null) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(rwx(chmodSocket)));
            }
        } catch (IOException | RuntimeException e) {
            s.close();
            Files.deleteIfExists(path);
            throw e;
        }
        Receiver r = unixReceiver(s);
        return new CommandSocket(address, r, path, s.fd(), dispatcher, log);
    }

    /** Deletes a socket file nobody is bound to; refuses a live socket or a file that is not a socket. */
    private static void removeStale(Path path) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        int mode = a.isOther() ? (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) : 0;
        if ((mode & 0170000) != 0140000) { // S_IFSOCK
            throw new IOException(path + " exists and is not a socket");
        }
        if (UnixDatagramSocket.isInUse(path.toString())) {
            throw new IOException(path + " is in use by another process");
        }
        Files.deleteIfExists(path);
    }

    /** {@code chmod-socket}'s octal text ("" = 666, uWSGI's bare default) as "rw-rw-rw-". */
    static String rwx(String octal) {
        String text = octal.isEmpty() ? "666" : octal;
        if (!text.matches("0?[0-7]{1,3}")) {
            throw new IllegalArgumentException("chmod-socket is not an octal mode: " + octal);
        }
        int bits = Integer.parseInt(text, 8);
        StringBuilder b = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int t = bits >> shift & 7;
            b.append((t & 4) != 0 ? 'r' : '-').append((t & 2) != 0 ? 'w' : '-').append((t & 1) != 0 ? 'x' : '-');
        }
        return b.toString();
    }
}
