package dev.emperor.daemon;

import java.util.ArrayList;
import java.util.List;

/**
 * The ranges of a {@code /proc/PID/maps} listing that {@link MemoryRelease} may page out: private,
 * not writable, backed by a file (docs/operations.md, "Start-up pages"). Those pages can always be
 * read back from the file, so reclaiming them never needs swap and never writes anything; a
 * writable private mapping's touched pages are anonymous copies (swap, or nothing), a shared one's
 * would be written back, and {@code /dev/} and memfd mappings are not the start-up's code or data.
 */
final class ReadOnlyFileMappings {
    private ReadOnlyFileMappings() {
    }

    /** One range: [start, end). */
    record Range(long start, long end, String path) {
        long length() {
            return end - start;
        }
    }

    /** Lines like {@code 7f0c2a000000-7f0c2b400000 r-xp 00000000 fd:01 1234  /usr/lib/.../libjvm.so}. */
    static List<Range> of(List<String> mapsLines) {
        List<Range> out = new ArrayList<>();
        for (String line : mapsLines) {
            Range r = parse(line);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    private static Range parse(String line) {
        String[] f = line.trim().split("\\s+", 6);
        if (f.length < 6 || f[1].length() != 4) {
            return null; // anonymous: no path
        }
        String perms = f[1];
        String path = f[5];
        if (perms.charAt(0) != 'r' || perms.charAt(1) != '-' || perms.charAt(3) != 'p'
                || !path.startsWith("/") || path.startsWith("/dev/") || path.startsWith("/memfd:")) {
            return null;
        }
        int dash = f[0].indexOf('-');
        if (dash <= 0) {
            return null;
        }
        try {
            long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
            long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
            return Long.compareUnsigned(end, start) > 0 ? new Range(start, end, path) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
