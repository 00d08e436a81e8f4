package dev.emperor.stats;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** uWSGI's stats address rules: a {@code :} means TCP ({@code host:port}, {@code :port}, {@code [v6]:port}), else a UNIX path. */
final class StatsAddress {

    private StatsAddress() {
    }

    /** Parses (and resolves a host name); never binds. */
    static SocketAddress parse(String address) throws IOException {
        if (address == null || address.isEmpty()) {
            throw new IOException("empty stats address");
        }
        if (address.startsWith("@")) {
            throw new IOException("abstract UNIX sockets not supported yet: " + address);
        }
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            return UnixDomainSocketAddress.of(address);
        }
        String host = address.substring(0, colon);
        String portText = address.substring(colon + 1);
        if (!portText.matches("[0-9]{1,5}") || Integer.parseInt(portText) > 65535) {
            throw new IOException("invalid port in stats address " + address);
        }
        int port = Integer.parseInt(portText);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            return new InetSocketAddress(port); // all interfaces, like INADDR_ANY
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (IOException e) {
            throw new IOException("cannot resolve stats address " + address + ": " + e.getMessage(), e);
        }
    }

    /**
     * Binds a listening, non-blocking channel. For a UNIX path a stale socket file is removed first
     * (anything that is not a socket is left alone, and bind then fails); {@code mode} (null = keep
     * the umask's) is applied after bind.
     */
    static ServerSocketChannel bind(SocketAddress where, int backlog, Set<PosixFilePermission> mode) throws IOException {
        ServerSocketChannel ch;
        if (where instanceof UnixDomainSocketAddress unix) {
            removeStaleSocket(unix.getPath());
            ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        } else {
            ch = ServerSocketChannel.open();
        }
        boolean bound = false;
        try {
            ch.bind(where, backlog);
            bound = true;
            ch.configureBlocking(false);
            if (where instanceof UnixDomainSocketAddress unix && mode != null) {
                Files.setPosixFilePermissions(unix.getPath(), mode);
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (bound && where instanceof UnixDomainSocketAddress unix) {
                Files.deleteIfExists(unix.getPath());
            }
            throw e;
        }
    }

    /**
     * Deletes a socket file nobody listens on. A live socket (connect succeeds) is kept, so a second
     * daemon cannot steal the first one's stats socket: bind then fails with "in use".
     */
    private static void removeStaleSocket(Path path) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isOther() || !isSocket(path)) {
                return; // not ours to delete: bind fails with "Address already in use"
            }
        } catch (NoSuchFileException e) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new IOException("stats socket " + path + " is in use by another process");
        } catch (ConnectException e) {
            Files.deleteIfExists(path); // ECONNREFUSED: stale
        }
    }

    private static boolean isSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0140000; // S_IFSOCK
        } catch (IOException | RuntimeException e) {
            return false; // no "unix" attribute view: leave it alone
        }
    }

    /** {@code chmod-socket}'s octal text as permissions; null stays null, "" means 666 (uWSGI's bare default). */
    static Set<PosixFilePermission> mode(String octal) {
        if (octal == null) {
            return null;
        }
        String text = octal.isEmpty() ? "666" : octal;
        if (!text.matches("[0-7]{1,4}")) {
            throw new IllegalArgumentException("chmod-socket is not an octal mode: " + octal);
        }
        int bits = Integer.parseInt(text, 8);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < order.length; i++) {
            if ((bits & 1 << i) != 0) {
                perms.add(order[i]);
            }
        }
        return perms;
    }
}
