package dev.emperor.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A vassal's log file, opened by the Emperor (as root under Tyrant) in a directory the operator chose
 * (docs/logging.md, "Vassal log files"). The name may have been planted by whoever can write to that
 * directory, so: O_NOFOLLOW (a symlink is refused, never followed), O_NONBLOCK for the open (a FIFO
 * put there answers at once instead of blocking the loop; it is then refused), and on the fstat of
 * what was actually opened: a regular file, one link only (a hard link to /etc/shadow must not be
 * appended to or, worse, fchowned), owned by root or by the vassal's owner. O_APPEND makes every
 * write land at the current end, so logrotate's copytruncate leaves no hole of NULs.
 */
final class AppendFiles {
    private static final int O_WRONLY = 01;
    private static final int O_CREAT = 0100;
    private static final int O_NOCTTY = 0400;
    private static final int O_APPEND = 02000;
    private static final int MODE = 0640;
    private static final int ELOOP = 40;
    private static final int EACCES = 13;
    private static final int ENXIO = 6;

    private AppendFiles() {
    }

    static int open(JnrNative nat, Path path, int uid, int gid) throws IOException {
        LibC c = nat.libc();
        byte[] name = (path.toString() + "\0").getBytes(StandardCharsets.UTF_8);
        int flags = O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY | LibC.O_NONBLOCK | LibC.O_CLOEXEC | RegularFiles.O_NOFOLLOW;
        int fd = c.open(name, flags, MODE);
        if (fd < 0) {
            int errno = nat.lastErrno();
            if (errno == ELOOP) {
                throw new FileSystemException(path.toString(), null, "is a symlink: refused (never followed)");
            }
            if (errno == ENXIO) {
                throw new FileSystemException(path.toString(), null, "not a regular file (FIFO)");
            }
            if (errno == EACCES) {
                throw new AccessDeniedException(path.toString());
            }
            throw new FileSystemException(path.toString(), null, nat.strerror(errno));
        }
        try {
            Map<String, Object> st = Files.readAttributes(Path.of("/proc/self/fd/" + fd), "unix:mode,nlink,uid");
            int type = (Integer) st.get("mode") & 0170000;
            if (type != 0100000) {
                throw new FileSystemException(path.toString(), null, "not a regular file (" + RegularFiles.typeName(type) + ")");
            }
            if ((Integer) st.get("nlink") != 1) {
                throw new FileSystemException(path.toString(), null, "has " + st.get("nlink") + " hard links: refused");
            }
            int owner = (Integer) st.get("uid");
            int self = nat.getuid();
            if (owner != self && owner != 0 && owner != uid) {
                throw new FileSystemException(path.toString(), null, "owned by uid " + owner + ", not by the vassal's owner");
            }
            // back to blocking writes for the vassal (no effect on a regular file, but uWSGI expects a plain fd)
            c.fcntl(fd, LibC.F_SETFL, O_WRONLY | O_APPEND);
            if (uid >= 0 && (owner != uid) && c.fchown(fd, uid, gid) != 0) {
                throw new FileSystemException(path.toString(), null, "fchown to " + uid + ":" + gid + ": "
                        + nat.strerror(nat.lastErrno()));
            }
            int ok = fd;
            fd = -1;
            return ok;
        } finally {
            if (fd >= 0) {
                c.close(fd);
            }
        }
    }
}
