package dev.emperor.monitor;

import dev.emperor.source.VassalSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * Tyrant mode and UNIX on-demand sockets: the Emperor binds them as root, unlinking a stale socket
 * at the path first, but the name comes from a file a vassal's owner controls (the sidecar, or the
 * command's output for that name). uWSGI binds wherever the name says, so under Tyrant any user
 * with a vassal can make root unlink (and re-create as 0666) any existing socket of the system,
 * say {@code /run/dbus/system_bus_socket}, or race a symlinked directory between check and bind.
 * <p>
 * Rule here: the socket's directory, resolved without symlinks, is the vassal's own directory (or
 * the operator's {@code emperor-on-demand-directory}), and it and each of its ancestors are owned by
 * root and writable by nobody else. Only root can then change anything along that path, so the
 * check cannot be raced, and the resolved path is what gets bound; a root-controlled system
 * directory such as /run (where an absent socket could be squatted: /run/nscd/socket) is not
 * the vassal's to choose. A live socket is never replaced anyway ({@code ListenSockets}). A name failing the rule
 * refuses the vassal (a Tyrant refusal: logged, blacklisted, shown as {@code refused}); it is
 * re-judged at the next change of its file. TCP names ({@code host:port}) are not files and are
 * bound as uWSGI does.
 */
final class TyrantSocketCheck {

    private TyrantSocketCheck() {
    }

    /** The result: the path to bind (symlink-free) or why the name is refused. */
    record Outcome(String socket, String refusal) {
    }

    static Outcome check(VassalSource f, String socket) {
        return check(f, socket, null);
    }

    /** @param operatorDir the {@code emperor-on-demand-directory}, null when not set */
    static Outcome check(VassalSource f, String socket, String operatorDir) {
        if (socket == null || socket.indexOf(':') >= 0) {
            return new Outcome(socket, null);
        }
        try {
            return checkUnix(f, socket, operatorDir);
        } catch (RuntimeException e) {
            // e.g. InvalidPathException: a UTF-8 name the JVM's file-name charset cannot encode
            return refused(f, socket, "unusable name (" + e.getMessage() + ")");
        }
    }

    private static Outcome checkUnix(VassalSource f, String socket, String operatorDir) {
        Path p = f.cwd().resolve(socket).normalize();
        Path parent = p.getParent();
        if (parent == null || p.getFileName() == null) {
            return refused(f, socket, "no directory");
        }
        Path real;
        try {
            real = parent.toRealPath();
        } catch (IOException e) {
            return refused(f, socket, "its directory " + parent + " cannot be resolved (" + e.getMessage() + ")");
        }
        try {
            boolean own = real.equals(f.cwd().toRealPath());
            boolean operators = operatorDir != null && real.equals(f.cwd().resolve(operatorDir).toRealPath());
            if (!own && !operators) {
                return refused(f, socket, "it is outside the vassal's directory" + (operatorDir != null
                        ? " and " + operatorDir : "") + ": a vassal does not choose where root binds");
            }
        } catch (IOException e) {
            return refused(f, socket, "the vassal's directory cannot be resolved (" + e.getMessage() + ")");
        }
        for (Path d = real; d != null; d = d.getParent()) {
            Map<String, Object> a;
            try {
                a = Files.readAttributes(d, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                return refused(f, socket, "cannot stat " + d + " (" + e.getMessage() + ")");
            }
            int uid = (Integer) a.get("uid");
            int mode = (Integer) a.get("mode");
            if (uid != 0 || (mode & 022) != 0) {
                return refused(f, socket, "directory " + d + " is " + (uid != 0 ? "owned by uid " + uid
                        : "writable by group or others (mode " + Integer.toOctalString(mode & 07777) + ")")
                        + ": only root may control where the Emperor binds");
            }
        }
        return new Outcome(real.resolve(p.getFileName()).toString(), null);
    }

    private static Outcome refused(VassalSource f, String socket, String why) {
        return new Outcome(null, "[emperor-tyrant] invalid permissions for vassal " + f.name()
                + ": on-demand socket \"" + socket + "\" refused, " + why);
    }
}
