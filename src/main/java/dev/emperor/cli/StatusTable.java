package dev.emperor.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Formats the status table of {@code emperor ctl status}. */
final class StatusTable {
    private static final String[] HEADER = {"NAME", "STATE", "PID", "UPTIME", "RESPAWNS", "THROTTLE"};

    private StatusTable() {
    }

    static String render(List<Map<String, Object>> vassals, long nowSeconds) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Map<String, Object> v : vassals) {
            long pid = CtlJson.number(v, "pid");
            long lastRun = CtlJson.number(v, "last_run");
            rows.add(new String[] {
                CtlJson.string(v, "id"),
                CtlJson.string(v, "state"),
                pid > 0 ? Long.toString(pid) : "-",
                pid > 0 && lastRun > 0 ? duration(Math.max(0, nowSeconds - lastRun)) : "-",
                Long.toString(CtlJson.number(v, "respawns")),
                throttle(CtlJson.number(v, "throttle_ms")),
            });
        }
        int[] width = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(width[i] - row[i].length() + 2));
                }
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }

    /** 42s, 5m07s, 3h05m, 2d04h. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86400) {
            return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", seconds / 86400, seconds % 86400 / 3600);
    }

    /** "-" when none, 250ms, 3s, 1m30s. */
    static String throttle(long ms) {
        if (ms <= 0) {
            return "-";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        return ms % 1000 == 0 || ms >= 60_000 ? duration(ms / 1000)
                : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
}
