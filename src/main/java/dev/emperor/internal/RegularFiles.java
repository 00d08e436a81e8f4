package dev.emperor.internal;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Reading a file that a hostile user may swap between our {@code stat} and our {@code open}: a
 * FIFO put in its place would block a plain {@code open(O_RDONLY)} until some writer appears (the
 * scanner thread would hang for good), a device node could be read forever ({@code /dev/zero}).
 * So: {@code open(O_RDONLY|O_NONBLOCK|O_NOCTTY|O_CLOEXEC)} (plus {@code O_NOFOLLOW} when asked),
 * which returns at once on a FIFO, then the type of what was actually opened (a stat of
 * {@code /proc/self/fd/N}, i.e. fstat), and only a regular file is read, at most {@code max}
 * bytes. O_NONBLOCK has no effect on regular files.
 */
public final class RegularFiles {
    private static final int O_RDONLY = 0;
    private static final int O_NOCTTY = 0400;
    /** Differs by architecture (asm-generic vs x86). */
    static final int O_NOFOLLOW = oNofollow();

    /**
     * O_NOFOLLOW differs by architecture (asm-generic 0400000; arm, arm64 and powerpc 0100000, where
     * 0400000 is O_DIRECT): an unknown one fails loudly rather than silently following symlinks.
     */
    private static int oNofollow() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64", "riscv64", "s390x", "loongarch64" -> 0400000;
            case "aarch64", "arm", "ppc64le", "ppc64" -> 0100000;
            default -> throw new IllegalStateException("O_NOFOLLOW unknown for architecture " + arch);
        };
    }

    private static final int ENOENT = 2;
    private static final int EACCES = 13;
    private static final int ELOOP = 40;
    /** The charset the JDK itself encodes file names with, so that the same bytes reach open(2). */
    private static final Charset PATH_CHARSET = pathCharset();

    private RegularFiles() {
    }

    /** Thrown when the path is (now) something other than a regular file; the message names the type. */
    public static final class NotRegularFileException extends FileSystemException {
        private static final long serialVersionUID = 1L;

        NotRegularFileException(Path path, String type) {
            super(path.toString(), null, "not a regular file (" + type + ")");
        }
    }

    /**
     * Up to {@code max} bytes from the start of {@code path}: as many as its size at open time allows
     * (a file growing meanwhile is read up to that size, one shrinking up to its end).
     *
     * @param nofollow refuse a symlink in the last component (ELOOP → not a regular file)
     * @throws NoSuchFileException       when it is gone
     * @throws NotRegularFileException   when it is a FIFO, device, socket or directory at open time
     * @throws IOException               on any other failure
     */
    public static byte[] readHead(Path path, int max, boolean nofollow) throws IOException {
        return read(path, max, nofollow).bytes();
    }

    /** What {@link #read} got: the bytes and the owner of the file they came from (same fstat). */
    public record Head(byte[] bytes, int uid) {
    }

    /** {@link #readHead} plus the owner uid of the very file that was read (not of a name re-resolved later). */
    public static Head read(Path path, int max, boolean nofollow) throws IOException {
        JnrNative nat = JnrNative.load();
        LibC c = nat.libc();
        byte[] name = (path.toString() + "\0").getBytes(PATH_CHARSET);
        int flags = O_RDONLY | LibC.O_NONBLOCK | O_NOCTTY | LibC.O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0);
        int fd = c.open(name, flags, 0);
        if (fd < 0) {
            int errno = nat.lastErrno();
            if (errno == ENOENT) {
                throw new NoSuchFileException(path.toString());
            }
            if (errno == EACCES) {
                throw new AccessDeniedException(path.toString());
            }
            if (errno == ELOOP && nofollow) {
                throw new NotRegularFileException(path, "symlink");
            }
            throw new Errno.ErrnoException(path.toString(), "open: errno " + errno, errno);
        }
        try {
            Map<String, Object> st = Files.readAttributes(Path.of("/proc/self/fd/" + fd), "unix:mode,size,uid");
            int type = (Integer) st.get("mode") & 0170000;
            if (type != 0100000) {
                throw new NotRegularFileException(path, typeName(type));
            }
            // sized by the fstat: usually one read(2) of exactly the file (jnr copies the whole array
            // each call, so a fixed 4 KiB buffer read twice cost more than the rest together)
            long size = (Long) st.get("size");
            int want = (int) Math.min(max, Math.max(size, 0));
            byte[] buf = new byte[want];
            int n = 0;
            while (n < want) {
                byte[] chunk = n == 0 ? buf : new byte[want - n];
                int r = nat.read(fd, chunk, want - n);
                if (r < 0) {
                    throw new Errno.ErrnoException(path.toString(), "read: errno " + -r, -r);
                }
                if (r == 0) {
                    break; // shrunk since the fstat
                }
                if (chunk != buf) {
                    System.arraycopy(chunk, 0, buf, n, r);
                }
                n += r;
            }
            return new Head(n == want ? buf : Arrays.copyOf(buf, n), (Integer) st.get("uid"));
        } finally {
            nat.close(fd);
        }
    }

    private static Charset pathCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    /** The file-type bits of a st_mode, named as ls would. */
    public static String typeName(int type) {
        switch (type) {
            case 0040000: return "directory";
            case 0010000: return "FIFO";
            case 0020000: return "character device";
            case 0060000: return "block device";
            case 0140000: return "socket";
            case 0120000: return "symlink";
            case 0100000: return "regular file";
            default: return "type " + Integer.toOctalString(type);
        }
    }
}
