package dev.emperor.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * What {@code ps}, {@code pgrep -f} and {@code /proc/PID/cmdline} show for the Emperor, set the way
 * uWSGI's {@code emperor-procname} sets it (core/utils.c, uwsgi_set_processname): the process's own
 * argv strings are overwritten in place with the title, one NUL, then spaces up to the end of the
 * original area. The last byte is then not a NUL, which makes the kernel read the command line only
 * up to the first NUL: exactly the title. No capability is needed: it is our own memory. The area is
 * only as long as the original command line; a longer title is cut (as uWSGI cuts it). Nothing reads
 * argv after the JVM started: the launcher copied it (docs/uwsgi-compat.md, "Process name").
 */
final class CommandLineTitle {

    private CommandLineTitle() {
    }

    /**
     * @return 0, or an errno (EIO when /proc/self/stat could not be read or shows no argv area)
     */
    static synchronized int set(Runtime rt, String title) {
        long[] area;
        try {
            area = argvArea(Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return Errno.EIO;
        }
        if (area == null) {
            return Errno.EIO;
        }
        int size = (int) Math.min(area[1] - area[0], 64 * 1024);
        byte[] bytes = title.getBytes(StandardCharsets.UTF_8);
        int len = Math.min(bytes.length, size - 2); // room for the NUL and one trailing space
        if (len < 0) {
            return Errno.EIO;
        }
        byte[] image = new byte[size];
        System.arraycopy(bytes, 0, image, 0, len);
        image[len] = 0;
        for (int i = len + 1; i < size; i++) {
            image[i] = ' ';
        }
        Pointer.wrap(rt, area[0], size).put(0, image, 0, size);
        return 0;
    }

    /**
     * arg_start and arg_end (fields 48 and 49 of proc(5)'s stat), or null where the kernel hides
     * them (0) or predates them. The comm field may hold spaces and parentheses: fields are counted
     * after its last ')'.
     */
    static long[] argvArea(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return null;
        }
        String[] fields = stat.substring(close + 1).trim().split(" +");
        int argStart = 48 - 3; // fields[0] is field 3 (state)
        if (fields.length <= argStart + 1) {
            return null;
        }
        long start = Long.parseLong(fields[argStart]);
        long end = Long.parseLong(fields[argStart + 1]);
        return start == 0 || end <= start + 1 ? null : new long[] {start, end};
    }
}
