package dev.emperor.core;

import dev.emperor.monitor.ScanResult;
import dev.emperor.monitor.Skipped;
import dev.emperor.monitor.VassalFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns monitor answers into lifecycle events (uWSGI's per-scanner pass in
 * {@code uwsgi_imperial_monitor_directory}): new names appear, known names are seen again with
 * their mtime, names of a monitor that no longer reports them are gone. A monitor that could not
 * scan concludes nothing. Skipped entries and duplicate names are logged once, not every scan.
 */
final class ScanDiff {
    private final Lifecycle lifecycle;
    private final EmperorLog log;
    private final Set<String> reportedSkips = new HashSet<>();
    private final Map<String, String> monitorErrors = new HashMap<>();

    private final java.util.function.Predicate<String> suspends;

    ScanDiff(Lifecycle lifecycle, EmperorLog log, java.util.function.Predicate<String> suspends) {
        this.lifecycle = lifecycle;
        this.log = log;
        this.suspends = suspends;
    }

    void apply(List<ScanResult> results, Map<String, Vassal> table, long now) {
        for (ScanResult r : results) {
            if (!r.ok()) {
                if (!r.error().equals(monitorErrors.put(r.monitor(), r.error()))) {
                    log.error("[emperor] monitor " + r.monitor() + ": " + r.error() + " (vassals kept as they are)");
                }
                continue;
            }
            if (monitorErrors.remove(r.monitor()) != null) {
                log.plain("[emperor] monitor " + r.monitor() + " is readable again");
            }
            reportSkips(r);
            Set<String> present = new HashSet<>();
            for (VassalFile f : r.vassals()) {
                present.add(f.name());
                Vassal v = table.get(f.name());
                if (v == null) {
                    Vassal created = lifecycle.fileAppeared(f, now, suspends.test(f.name()));
                    table.put(created.name, created);
                } else if (v.file.monitor().equals(f.monitor())) {
                    lifecycle.fileSeen(v, f, now);
                } else if (reportedSkips.add(r.monitor() + "\0dup\0" + f.name())) {
                    log.about(f.name(), -1, "skipped").warn("[emperor] skipping " + f.path() + ": vassal name " + f.name()
                            + " is already provided by monitor " + v.file.monitor());
                }
            }
            for (Vassal v : new ArrayList<>(table.values())) {
                if (v.file.monitor().equals(r.monitor()) && !present.contains(v.name) && !v.fileGone) {
                    lifecycle.fileGone(v, now);
                }
            }
        }
    }

    private void reportSkips(ScanResult r) {
        Set<String> current = new HashSet<>();
        for (Skipped s : r.skipped()) {
            String key = r.monitor() + "\0" + s.name() + "\0" + s.reason();
            current.add(key);
            if (reportedSkips.add(key)) {
                log.about(s.name(), -1, "skipped").warn("[emperor] skipping " + s.name() + " in " + r.monitor() + ": " + s.reason());
            }
        }
        reportedSkips.removeIf(k -> k.startsWith(r.monitor() + "\0") && !k.contains("\0dup\0") && !current.contains(k));
    }
}
