package dev.emperor.command;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The fd number of this process's UDP socket bound on a port, for uWSGI's startup line
 * ({@code ... fd: %d ***}); the JDK does not expose it. Linux {@code /proc}: the socket inode from
 * {@code /proc/self/net/udp} or {@code udp6} (a dual-stack channel is listed there), then the
 * {@code /proc/self/fd} link {@code socket:[inode]}. Best effort: -1 when unknown.
 */
final class UdpFds {

    private UdpFds() {
    }

    static int fdOf(int port) {
        try {
            String suffix = String.format(":%04X", port);
            Set<String> inodes = new HashSet<>();
            for (String table : List.of("/proc/self/net/udp", "/proc/self/net/udp6")) {
                Path p = Path.of(table);
                if (!Files.exists(p)) {
                    continue;
                }
                for (String line : Files.readAllLines(p)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[1].endsWith(suffix)) {
                        inodes.add(f[9]);
                    }
                }
            }
            if (inodes.isEmpty()) {
                return -1;
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
                        return Integer.parseInt(fd.getFileName().toString());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc unavailable
        }
        return -1;
    }
}
