package dev.emperor.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Finds the file descriptor number of a socket of this process through Linux {@code /proc}, for
 * uWSGI's startup lines ({@code ... fd: %d ***}); the JDK does not expose it: socket inode from
 * {@code /proc/self/net/{tcp,tcp6,udp,udp6,unix}}, then the {@code /proc/self/fd} link
 * {@code socket:[inode]}. Best effort: empty when unknown.
 */
public final class SocketFds {

    private SocketFds() {
    }

    public static OptionalInt listeningFd(SocketAddress bound) {
        try {
            Set<String> inodes = new HashSet<>();
            if (bound instanceof InetSocketAddress inet) {
                String port = String.format(":%04X", inet.getPort());
                for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
                    for (String line : lines(table)) {
                        String[] f = line.trim().split("\\s+");
                        if (f.length > 9 && f[1].endsWith(port) && f[3].equals("0A")) {
                            inodes.add(f[9]);
                        }
                    }
                }
            } else if (bound instanceof UnixDomainSocketAddress unix) {
                String given = unix.getPath().toString();
                String absolute = unix.getPath().toAbsolutePath().toString();
                for (String line : lines("/proc/self/net/unix")) {
                    String[] f = line.trim().split("\\s+", 8);
                    if (f.length == 8 && (f[7].equals(given) || f[7].equals(absolute))) {
                        inodes.add(f[6]);
                    }
                }
            }
            return fdOfInodes(inodes);
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc unavailable
        }
        return OptionalInt.empty();
    }

    /** The fd of this process's UDP socket bound on {@code port} (a dual-stack channel is listed in udp6). */
    public static OptionalInt udpFd(int port) {
        try {
            String suffix = String.format(":%04X", port);
            Set<String> inodes = new HashSet<>();
            for (String table : List.of("/proc/self/net/udp", "/proc/self/net/udp6")) {
                for (String line : lines(table)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[1].endsWith(suffix)) {
                        inodes.add(f[9]);
                    }
                }
            }
            return fdOfInodes(inodes);
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty(); // not Linux, or /proc unavailable
        }
    }

    private static OptionalInt fdOfInodes(Set<String> inodes) throws IOException {
        if (inodes.isEmpty()) {
            return OptionalInt.empty();
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
                    return OptionalInt.of(Integer.parseInt(fd.getFileName().toString()));
                }
            }
        }
        return OptionalInt.empty();
    }

    private static List<String> lines(String file) throws IOException {
        Path p = Path.of(file);
        return Files.exists(p) ? Files.readAllLines(p) : List.of();
    }
}
