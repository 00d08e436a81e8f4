package dev.emperor.core;

import dev.emperor.internal.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * Naming rules of on-demand sockets (uWSGI {@code on_demand_bind}, docs/uwsgi-compat.md, "On-demand socket discovery"): a name with a
 * ':' is TCP IPv4 {@code host:port} (empty host = any address), anything else a UNIX socket path;
 * a relative path resolves against the vassal's directory (uWSGI binds during the scan, whose
 * cwd is the monitored directory). Logs and stats keep the name as given.
 *
 * <p>Removal: uWSGI closes the socket but leaves the UNIX socket file behind. Here the file is
 * unlinked when the vassal goes away, but only if it is still the very file we bound (same
 * device and inode, still a socket, seen by lstat): a file someone else has put there since is left alone.
 */
final class OnDemandSockets {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private OnDemandSockets() {
    }

    /** The listening fd or a negative errno. */
    static int bind(Native nat, String name, Path cwd, int backlog) {
        int colon = name.indexOf(':');
        if (colon < 0) {
            return nat.listenUnix(unixPath(name, cwd), backlog);
        }
        String port = name.substring(colon + 1);
        if (!port.matches("[0-9]{1,5}")) {
            return -Native.EINVAL; // uWSGI's atoi would bind port 0, i.e. a random one nobody knows
        }
        return nat.listenTcp(name.substring(0, colon), Integer.parseInt(port), backlog);
    }

    /** Identity of the UNIX socket file just bound, null for TCP or when it cannot be read. */
    static String unixPath(String name, Path cwd) {
        if (name.startsWith("/") || cwd == null) {
            return name;
        }
        // string concatenation, not Path.resolve: a UTF-8 name the JVM's file-name charset cannot
        // encode (a service started without LANG) must not throw on the loop thread
        String dir = cwd.toString();
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    static Object fileKey(String name, Path cwd) {
        if (name.indexOf(':') >= 0) {
            return null;
        }
        try {
            return socketKey(Path.of(unixPath(name, cwd)));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Unlinks the socket file only if the entry at the path itself (lstat: a symlink swapped in is
     * not followed) is still a socket with the (dev, inode) we bound. Accepted residual race: the
     * name can be swapped between this lstat and the unlink by whoever can write its directory; the
     * unlink then removes that entry of a directory they control anyway (unlink never follows the
     * last component). A directory on the path swapped for a symlink in that window is not covered.
     */
    static void unlinkIfOurs(String name, Path cwd, Object key, EmperorLog log) {
        if (key == null) {
            return;
        }
        Path p = Path.of(unixPath(name, cwd));
        try {
            if (key.equals(socketKey(p))) {
                Files.delete(p);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("[emperor] on-demand socket file " + name + " not removed: " + e);
        }
    }

    /** (dev, inode) of the entry at p when it is a socket (S_ISSOCK, lstat), else null. */
    private static Object socketKey(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,fileKey", LinkOption.NOFOLLOW_LINKS);
        return ((Integer) a.get("mode") & S_IFMT) == S_IFSOCK ? a.get("fileKey") : null;
    }
}
