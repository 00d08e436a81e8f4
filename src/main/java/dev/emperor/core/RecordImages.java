package dev.emperor.core;

import dev.emperor.source.VassalSource;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One vassal record ↔ its {@link LoopImage.VassalImage} (docs/upgrade.md, "The state document"). The
 * record's monotonic-ms instants become absolute monotonic ns and back ({@link Instants}); wall times
 * taken from the file ({@code born}, the mtime) cross as they are. A key missing from an image takes
 * the field's fresh-record value, so a later build may add fields without a new format.
 */
final class RecordImages {
    private static final String ATTR = "attr.";

    private RecordImages() {
    }

    /** The loop's monotonic ms ↔ absolute monotonic ns, sampled once; 0 and the extremes stay as they are. */
    record Instants(long nowMs, long nowNanos) {
        long toNanos(long ms) {
            return ms == 0 || ms == Long.MAX_VALUE || ms == Long.MIN_VALUE ? ms : nowNanos + (ms - nowMs) * 1_000_000L;
        }

        long toMs(long ns) {
            return ns == 0 || ns == Long.MAX_VALUE || ns == Long.MIN_VALUE ? ns
                    : nowMs + Math.floorDiv(ns - nowNanos, 1_000_000L);
        }
    }

    static LoopImage.VassalImage image(Vassal v, Instants t) {
        Map<String, Integer> fds = new LinkedHashMap<>();
        putFd(fds, "pipe", v.pipeFd);
        putFd(fds, "config", v.configFd);
        putFd(fds, "listen", v.listenFd);
        Map<String, Long> n = new LinkedHashMap<>();
        n.put("pid", (long) v.pid);
        n.put("born", v.born);
        n.put("last_mod_nanos", v.lastModNanos);
        n.put("respawns", v.respawns);
        n.put("starts", v.starts);
        n.put("deaths", v.deaths);
        n.put("earlier_respawns", v.earlierRespawns);
        n.put("last_exit_status", (long) v.lastExitStatus);
        n.put("last_heartbeat", t.toNanos(v.lastHeartbeat));
        n.put("last_loyal", t.toNanos(v.lastLoyal));
        n.put("last_ready", t.toNanos(v.lastReady));
        n.put("last_accepting", t.toNanos(v.lastAccepting));
        n.put("first_run", t.toNanos(v.firstRun));
        n.put("last_run", t.toNanos(v.lastRun));
        n.put("cursed_at", t.toNanos(v.cursedAt));
        n.put("last_exit_at", t.toNanos(v.lastExitAt));
        n.put("spawn_at", t.toNanos(v.spawnAt));
        n.put("window_from", t.toNanos(v.windowFrom));
        n.put("parent_check_until", t.toNanos(v.parentCheckUntil));
        VassalSource f = v.file;
        n.put("source_mtime_nanos", f.mtimeNanos());
        n.put("source_uid", (long) f.uid());
        n.put("source_gid", (long) f.gid());
        Map<String, Boolean> flags = new LinkedHashMap<>();
        flags.put("loyal", v.loyal);
        flags.put("ready", v.ready);
        flags.put("accepting", v.accepting);
        flags.put("file_gone", v.fileGone);
        flags.put("adopted", v.adopted);
        flags.put("reload_pending", v.reloadPending);
        flags.put("wait_logged", v.waitLogged);
        flags.put("listen_watched", v.listenWatched);
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("stop_reason", v.stopReason.name());
        putText(texts, "socket_name", v.socketName);
        putText(texts, "zerg_of", v.zergOf);
        putText(texts, "source_name", f.name());
        putText(texts, "source_path", f.path() == null ? null : f.path().toString());
        putText(texts, "source_cwd", f.cwd() == null ? null : f.cwd().toString());
        putText(texts, "source_refusal", f.refusal());
        putText(texts, "source_on_demand_socket", f.onDemandSocket());
        putText(texts, "source_config", f.config() == null ? null : Base64.getEncoder().encodeToString(f.config()));
        f.attrs().forEach((k, val) -> texts.put(ATTR + k, val));
        return new LoopImage.VassalImage(v.name, f.monitor(), v.state.name(), fds, n, flags, texts);
    }

    /** The record an image describes; throws IllegalArgumentException for an unknown state or a bad source. */
    static Vassal record(LoopImage.VassalImage i, Instants t) {
        Map<String, Long> n = i.numbers();
        Map<String, Boolean> b = i.flags();
        Map<String, String> s = i.texts();
        Map<String, String> attrs = new LinkedHashMap<>();
        s.forEach((k, val) -> {
            if (k.startsWith(ATTR)) {
                attrs.put(k.substring(ATTR.length()), val);
            }
        });
        String path = s.get("source_path");
        String cwd = s.get("source_cwd");
        String config = s.get("source_config");
        // a zerg's record name (NAME:zerg#2) is not its source's (NAME:zerg): docs/uwsgi-compat.md, "Broodlord"
        VassalSource f = new VassalSource(s.getOrDefault("source_name", i.name()), path == null ? null : Path.of(path), cwd == null ? null : Path.of(cwd),
                n.getOrDefault("source_mtime_nanos", 0L), (int) (long) n.getOrDefault("source_uid", -1L),
                (int) (long) n.getOrDefault("source_gid", -1L), i.monitor(), attrs, s.get("source_refusal"),
                s.get("source_on_demand_socket"), config == null ? null : Base64.getDecoder().decode(config));
        Vassal v = new Vassal(i.name(), f, t.nowMs);
        v.zergOf = s.get("zerg_of");
        Transitions.resumed(v, VassalState.valueOf(i.state()), t.toMs(n.getOrDefault("spawn_at", 0L)));
        v.stopReason = StopReason.valueOf(s.getOrDefault("stop_reason", StopReason.NONE.name()));
        v.pipeFd = i.fds().getOrDefault("pipe", -1);
        v.configFd = i.fds().getOrDefault("config", -1);
        v.listenFd = i.fds().getOrDefault("listen", -1);
        v.pid = (int) (long) n.getOrDefault("pid", -1L);
        v.born = n.getOrDefault("born", v.born);
        v.lastModNanos = n.getOrDefault("last_mod_nanos", v.lastModNanos);
        v.respawns = n.getOrDefault("respawns", 0L);
        v.starts = n.getOrDefault("starts", 0L);
        v.deaths = n.getOrDefault("deaths", 0L);
        v.earlierRespawns = n.getOrDefault("earlier_respawns", 0L);
        v.lastExitStatus = (int) (long) n.getOrDefault("last_exit_status", -1L);
        v.lastHeartbeat = t.toMs(n.getOrDefault("last_heartbeat", 0L));
        v.lastLoyal = t.toMs(n.getOrDefault("last_loyal", 0L));
        v.lastReady = t.toMs(n.getOrDefault("last_ready", 0L));
        v.lastAccepting = t.toMs(n.getOrDefault("last_accepting", 0L));
        v.firstRun = t.toMs(n.getOrDefault("first_run", t.toNanos(v.firstRun)));
        v.lastRun = t.toMs(n.getOrDefault("last_run", t.toNanos(v.lastRun)));
        v.cursedAt = t.toMs(n.getOrDefault("cursed_at", 0L));
        v.lastExitAt = t.toMs(n.getOrDefault("last_exit_at", 0L));
        v.windowFrom = t.toMs(n.getOrDefault("window_from", 0L));
        v.parentCheckUntil = t.toMs(n.getOrDefault("parent_check_until", 0L));
        v.loyal = b.getOrDefault("loyal", false);
        v.ready = b.getOrDefault("ready", false);
        v.accepting = b.getOrDefault("accepting", false);
        v.fileGone = b.getOrDefault("file_gone", false);
        v.adopted = b.getOrDefault("adopted", false);
        v.reloadPending = b.getOrDefault("reload_pending", false);
        v.waitLogged = b.getOrDefault("wait_logged", false);
        v.listenWatched = b.getOrDefault("listen_watched", false);
        v.socketName = s.get("socket_name");
        return v;
    }

    /**
     * A record for a vassal known only by pid, pipe and name (the document could not be read): a
     * running vassal whose source the next scan fills in ({@link #unknownSource}).
     */
    static Vassal blind(String name, int pid, int pipeFd, long now) {
        VassalSource f = new VassalSource(name, Path.of(name), null, 0, -1, -1, "", Map.of(), null, null);
        Vassal v = new Vassal(f, now);
        Transitions.resumed(v, VassalState.RUNNING, 0);
        v.pid = pid;
        v.pipeFd = pipeFd;
        return v;
    }

    /** The record came from {@link #blind}: any monitor that lists its name may claim it. */
    static boolean unknownSource(Vassal v) {
        return v.file.monitor().isEmpty();
    }

    static Map<String, Long> counters(LoopEffects e, Map<String, Long> resourceErrors) {
        Map<String, Long> m = new HashMap<>();
        m.put("retired_spawns", e.retiredSpawns);
        m.put("retired_respawns", e.retiredRespawns);
        m.put("reloads", e.reloads);
        m.put("kills", e.kills);
        m.put("upgrades", e.upgrades);
        resourceErrors.forEach((k, val) -> m.put("resource_errors." + k, val));
        return m;
    }

    private static void putFd(Map<String, Integer> fds, String role, int fd) {
        if (fd >= 0) {
            fds.put(role, fd);
        }
    }

    private static void putText(Map<String, String> texts, String key, String value) {
        if (value != null) {
            texts.put(key, value);
        }
    }
}
