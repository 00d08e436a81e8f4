package dev.emperor.core;

import dev.emperor.internal.Errno;
import dev.emperor.source.LookFailed;
import dev.emperor.source.ScanResult;
import dev.emperor.source.Skipped;
import dev.emperor.source.VassalSource;
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
 * scan concludes nothing, and a name it listed but could not look at ({@link LookFailed}: out of fds,
 * EIO ...) keeps its record untouched: a failed look is not an absence (docs/reliability.md).
 * Skipped entries, names not looked at and duplicate names are logged once, not every scan; a look
 * that failed for want of fds or memory is left to {@link ResourceTrouble}'s one line.
 */
final class ScanDiff {
    private final Lifecycle lifecycle;
    private final EmperorLog log;
    private final Set<String> reportedSkips = new HashSet<>();
    private final Map<String, String> monitorErrors = new HashMap<>();

    private final java.util.function.Predicate<String> suspends;
    private final LoopGuard guard;
    private final ResourceTrouble trouble;
    private final Set<String> reportedLookFailures = new HashSet<>();

    ScanDiff(Lifecycle lifecycle, EmperorLog log, java.util.function.Predicate<String> suspends, LoopGuard guard,
             ResourceTrouble trouble) {
        this.lifecycle = lifecycle;
        this.log = log;
        this.suspends = suspends;
        this.guard = guard;
        this.trouble = trouble;
    }

    void apply(List<ScanResult> results, Map<String, Vassal> table, long now) {
        // what the scans saw predates the spawns this round triggers: fds found again clear the condition first
        if (results.stream().allMatch(r -> !r.partial() && Errno.resource(r.errno()) == null
                && r.lookFailed().stream().allMatch(f -> Errno.resource(f.errno()) == null))) {
            trouble.scanClean();
        }
        Set<String> notLookedAt = new HashSet<>();
        for (ScanResult r : results) {
            Errno.Resource lacking = Errno.resource(r.errno());
            if (!r.ok() && lacking != null) {
                trouble.scanFailed(lacking, "monitor " + r.monitor() + ": " + r.error(), now);
                continue;
            }
            if (!r.ok()) {
                if (!r.error().equals(monitorErrors.put(r.monitor(), r.error()))) {
                    log.error("[emperor] monitor " + r.monitor() + ": " + r.error() + " (vassals kept as they are)");
                }
                continue;
            }
            if (r.partial()) {
                applyFound(r, table, now); // a targeted look: what it does not list is not gone
                continue;
            }
            if (monitorErrors.remove(r.monitor()) != null) {
                log.plain("[emperor] monitor " + r.monitor() + " is readable again");
            }
            reportSkips(r);
            Set<String> present = new HashSet<>();
            for (LookFailed f : r.lookFailed()) {
                present.add(f.name()); // kept exactly as it is: no fileSeen, no fileGone
                Errno.Resource r2 = Errno.resource(f.errno());
                if (r2 != null) {
                    trouble.scanFailed(r2, "looking at " + f.name() + " in " + r.monitor() + ": " + f.reason(), now);
                    if (!table.containsKey(f.name())) {
                        notLookedAt.add(f.name());
                    }
                } else if (reportedLookFailures.add(r.monitor() + "\0" + f.name() + "\0" + f.reason())) {
                    log.warn("[emperor] cannot look at " + f.name() + " in " + r.monitor() + " now (" + f.reason()
                            + "): its vassal is kept as it is, looked at again at the next scan");
                }
            }
            present.addAll(applyFound(r, table, now));
            for (Vassal v : new ArrayList<>(table.values())) {
                // a zerg has no file of its own: it goes when its vassal's file does (uWSGI stats NAME before ':')
                String listedAs = v.zergOf != null ? v.zergOf : v.name;
                if (v.file.monitor().equals(r.monitor()) && !present.contains(listedAs) && !v.fileGone) {
                    guard.run("removing", v, now, () -> lifecycle.fileGone(v, now));
                }
            }
            Set<String> stillFailing = new HashSet<>();
            r.lookFailed().forEach(f -> stillFailing.add(r.monitor() + "\0" + f.name() + "\0" + f.reason()));
            reportedLookFailures.removeIf(k -> k.startsWith(r.monitor() + "\0") && !stillFailing.contains(k));
        }
        trouble.notLookedAt(notLookedAt);
    }

    /** New names appear, known ones are seen again; returns the names listed. */
    private Set<String> applyFound(ScanResult r, Map<String, Vassal> table, long now) {
        Set<String> listed = new HashSet<>();
        for (VassalSource f : r.vassals()) {
            listed.add(f.name());
            Vassal v = table.get(f.name());
            if (v == null) {
                guard.run("starting the new vassal", null, now, () -> {
                    Vassal created = lifecycle.fileAppeared(f, now, suspends.test(f.name()));
                    table.put(created.name, created);
                });
            } else if (RecordImages.unknownSource(v)) {
                // resumed by pid and pipe alone (docs/upgrade.md): the first monitor to list it owns it
                v.file = f;
                v.lastModNanos = f.mtimeNanos();
                v.born = f.mtimeSeconds() * 1000;
            } else if (v.file.monitor().equals(f.monitor())) {
                guard.run("applying the scan", v, now, () -> lifecycle.fileSeen(v, f, now));
            } else if (reportedSkips.add(r.monitor() + "\0dup\0" + f.name())) {
                log.about(f.name(), -1, "skipped").warn("[emperor] skipping " + f.describe() + ": vassal name " + f.name()
                        + " is already provided by monitor " + v.file.monitor());
            }
        }
        return listed;
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
