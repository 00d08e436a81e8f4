package dev.emperor.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The usual {@code process_*} readings of the Prometheus client libraries, taken from {@code /proc}
 * on the stats thread at scrape time (never on the event loop: reading /proc is cheap but it is
 * still I/O). Each value is NaN when its file cannot be read or parsed, so a scrape never fails for
 * it.
 *
 * @param cpuSeconds      user + system CPU time ({@code /proc/self/stat} utime+stime)
 * @param residentBytes   resident set size ({@code VmRSS} of {@code /proc/self/status})
 * @param virtualBytes    virtual memory size ({@code VmSize})
 * @param openFds         entries of {@code /proc/self/fd}, less the one the listing holds
 * @param maxFds          the soft "Max open files" limit ({@code /proc/self/limits})
 * @param startTimeSeconds process start, epoch seconds (boot time of {@code /proc/stat} + starttime)
 */
public record ProcessReadings(double cpuSeconds, double residentBytes, double virtualBytes, double openFds,
                              double maxFds, double startTimeSeconds) {

    /** USER_HZ: the unit of the tick counts in /proc/PID/stat; 100 on every Linux architecture Java runs on. */
    static final double TICKS_PER_SECOND = 100.0;

    public static final ProcessReadings UNKNOWN = new ProcessReadings(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN);

    /** This process, now. */
    public static ProcessReadings self() {
        Path proc = Path.of("/proc");
        return read(read(proc.resolve("self/stat")), read(proc.resolve("self/status")), read(proc.resolve("self/limits")),
                read(proc.resolve("stat")), MetricsEndpoint.openFds());
    }

    /** Parses the texts of /proc/self/stat, /proc/self/status, /proc/self/limits and /proc/stat (any may be null). */
    static ProcessReadings read(String stat, String status, String limits, String systemStat, double openFds) {
        double cpu = Double.NaN;
        double start = Double.NaN;
        String[] f = statFields(stat);
        if (f != null && f.length > 19) {
            // after "pid (comm) ": f[0] is field 3 (state), so utime (14) is f[11], stime f[12], starttime (22) f[19]
            cpu = (number(f[11]) + number(f[12])) / TICKS_PER_SECOND;
            start = number(lineValue(systemStat, "btime")) + number(f[19]) / TICKS_PER_SECOND;
        }
        return new ProcessReadings(cpu, kilobytes(lineValue(status, "VmRSS:")), kilobytes(lineValue(status, "VmSize:")),
                openFds, maxOpenFiles(limits), start);
    }

    private static String[] statFields(String stat) {
        if (stat == null) {
            return null;
        }
        int close = stat.lastIndexOf(')'); // comm may hold spaces and parentheses
        return close < 0 ? null : stat.substring(close + 1).trim().split("\\s+");
    }

    /** The first token after {@code key} on the line that starts with it, or null. */
    private static String lineValue(String text, String key) {
        if (text == null) {
            return null;
        }
        for (String line : text.split("\n")) {
            if (line.startsWith(key)) {
                String[] t = line.substring(key.length()).trim().split("\\s+");
                return t.length > 0 ? t[0] : null;
            }
        }
        return null;
    }

    private static double kilobytes(String v) {
        return number(v) * 1024;
    }

    private static double maxOpenFiles(String limits) {
        if (limits == null) {
            return Double.NaN;
        }
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] t = line.substring("Max open files".length()).trim().split("\\s+");
                return t.length > 0 && t[0].equals("unlimited") ? Double.POSITIVE_INFINITY : number(t[0]);
            }
        }
        return Double.NaN;
    }

    private static double number(String s) {
        if (s == null) {
            return Double.NaN;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
