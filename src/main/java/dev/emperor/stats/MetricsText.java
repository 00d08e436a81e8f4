package dev.emperor.stats;

import dev.emperor.Version;
import dev.emperor.core.BlacklistView;
import dev.emperor.core.EmperorSnapshot;
import dev.emperor.core.LoopStats;
import dev.emperor.core.VassalState;
import dev.emperor.core.VassalView;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Renders a snapshot in the Prometheus text exposition format, version 0.0.4: every family has a
 * {@code # HELP} and a {@code # TYPE} line and its samples in one group; names carry the
 * {@code emperor_} prefix and base units (seconds, epoch seconds as {@code _timestamp_seconds}),
 * counters end in {@code _total}; label values are escaped ({@code \\}, {@code \"}, {@code \n}).
 * Per-vassal series carry the label {@code vassal} (the file name) and cover every vassal the
 * Emperor knows, including those uWSGI's JSON does not list (throttled, exiled, waiting for their
 * fork server).
 */
public final class MetricsText {

    /** The exposition format's content type. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * What the snapshot cannot tell: the scrape time and readings taken by the stats thread.
     *
     * @param nowMillis      the scrape time, epoch ms (for ages)
     * @param loopLagSeconds how long the event loop took to run the last probe task posted to it, NaN
     *                       when none has run yet
     * @param openFds        open file descriptors of the daemon, NaN when unknown
     * @param process        the {@code process_*} readings ({@link ProcessReadings#UNKNOWN} when not taken)
     */
    public record Readings(long nowMillis, double loopLagSeconds, double openFds, ProcessReadings process) {
    }

    private final StringBuilder out;

    private MetricsText(int capacity) {
        this.out = new StringBuilder(capacity);
    }

    public static String render(EmperorSnapshot s, Readings r) {
        List<VassalView> vassals = VassalJson.all(s);
        MetricsText m = new MetricsText(2048 + vassals.size() * 1600 + s.blacklist().size() * 400);
        m.buildInfo();
        m.emperor(s, r, vassals);
        m.process(r.process());
        m.vassals(vassals, r.nowMillis());
        m.blacklist(s.blacklist());
        return m.out.toString();
    }

    private void emperor(EmperorSnapshot s, Readings r, List<VassalView> vassals) {
        Map<VassalState, Integer> byState = new EnumMap<>(VassalState.class);
        for (VassalState state : VassalState.values()) {
            byState.put(state, 0);
        }
        for (VassalView v : vassals) {
            VassalState state = state(v);
            if (state != null) {
                byState.merge(state, 1, Integer::sum);
            }
        }
        family("emperor_vassals", "gauge", "Vassals known to the Emperor, by lifecycle state.");
        byState.forEach((state, n) -> sample("emperor_vassals", "state", state.label(), n));

        LoopStats loop = s.loop();
        counter("emperor_spawns_total", "Vassal processes started (spawned or adopted from a fork server) since the Emperor started.",
                loop.spawns());
        counter("emperor_respawns_total", "Starts of a vassal that had already run a process (after a crash, a throttle window or an operator start).",
                loop.respawns());
        counter("emperor_reloads_total", "Reload requests (pipe byte 1) sent to vassals: file touched, SIGHUP or operator restart.",
                loop.reloads());
        counter("emperor_kills_total", "SIGKILLs sent to vassal masters (missed heartbeat, curse tolerance, Ragnarok).",
                loop.kills());
        counter("emperor_upgrades_total", "In-place upgrades (emperor ctl upgrade) this daemon went through; every counter"
                + " carries on across them.", loop.upgrades());
        family("emperor_resource_errors_total", "counter",
                "Calls that failed for want of fds, memory or processes (a vassal file not looked at, a spawn deferred, a stats"
                + " connection refused), by errno kind; running vassals are kept meanwhile.");
        for (String kind : new java.util.TreeSet<>(loop.resourceErrors().keySet())) {
            sample("emperor_resource_errors_total", "kind", kind, loop.resourceErrors().get(kind));
        }
        gauge("emperor_blacklist_entries", "Vassal names currently in the throttle blacklist.", s.blacklist().size());
        gauge("emperor_event_loop_lag_seconds",
                "Delay between posting a probe task to the event loop and the loop running it (last probe).",
                r.loopLagSeconds());
        gauge("emperor_event_loop_iteration_seconds",
                "Time the event loop's last iteration spent working (wake-up to publishing its snapshot).",
                loop.lastIterationNanos() / 1e9);
        gauge("emperor_snapshot_age_seconds",
                "Age of the published snapshot; the loop publishes after every iteration, so this grows while it idles.",
                Math.max(0, r.nowMillis() - s.takenAtMillis()) / 1000.0);
        gauge("emperor_open_fds", "Open file descriptors of the Emperor process.", r.openFds());
    }

    private void buildInfo() {
        family("emperor_build_info", "gauge", "Always 1; the labels say which emperor and which Java runtime run.");
        out.append("emperor_build_info{version=\"").append(escapeLabel(Version.VERSION)).append("\",java_version=\"")
                .append(escapeLabel(String.valueOf(Runtime.version()))).append("\"} 1\n");
    }

    /** The names and meanings of the Prometheus client libraries' process collector. */
    private void process(ProcessReadings p) {
        counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", p.cpuSeconds());
        gauge("process_resident_memory_bytes", "Resident memory size in bytes.", p.residentBytes());
        gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", p.virtualBytes());
        gauge("process_open_fds", "Number of open file descriptors.", p.openFds());
        gauge("process_max_fds", "Maximum number of open file descriptors.", p.maxFds());
        gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", p.startTimeSeconds());
    }

    private void vassals(List<VassalView> vassals, long nowMillis) {
        perVassal(vassals, "emperor_vassal_up", "gauge", "1 when the vassal is running (started and not being stopped).",
                v -> VassalState.RUNNING.label().equals(v.state()) ? 1 : 0);
        perVassal(vassals, "emperor_vassal_ready", "gauge", "1 once the vassal reported it spawned its workers (pipe byte 1).",
                v -> v.ready() ? 1 : 0);
        perVassal(vassals, "emperor_vassal_accepting", "gauge", "1 once the vassal reported it accepts requests (pipe byte 5).",
                v -> v.accepting() ? 1 : 0);
        perVassal(vassals, "emperor_vassal_loyal", "gauge", "1 once the vassal declared itself loyal (pipe byte 17).",
                v -> v.loyal() ? 1 : 0);
        family("emperor_vassal_state", "gauge", "1 for the vassal's current lifecycle state, 0 for the others.");
        for (VassalView v : vassals) {
            for (VassalState state : VassalState.values()) {
                out.append("emperor_vassal_state{vassal=\"").append(escapeLabel(v.id())).append("\",state=\"")
                        .append(state.label()).append("\"} ").append(state.label().equals(v.state()) ? 1 : 0).append('\n');
            }
        }
        perVassal(vassals, "emperor_vassal_pid", "gauge", "Process id of the vassal master, 0 when it has no process.",
                v -> Math.max(0, v.pid()));
        perVassal(vassals, "emperor_vassal_respawns_total", "counter",
                "uWSGI's respawns (reloads of the vassal), summed over its crashes: unlike the stats document's respawns"
                        + " it does not restart at 0 when the vassal crashes.",
                v -> v.exits().earlierRespawns() + v.respawns());
        perVassal(vassals, "emperor_vassal_starts_total", "counter",
                "Processes started (spawned or adopted) for this vassal since the Emperor first saw its file; survives crashes.",
                v -> v.exits().starts());
        perVassal(vassals, "emperor_vassal_deaths_total", "counter",
                "Processes of this vassal that exited or were killed (any reason) since the Emperor first saw its file.",
                v -> v.exits().deaths());
        perVassal(vassals, "emperor_vassal_last_exit_code", "gauge",
                "Exit status of the vassal's last process, -1 when it was killed by a signal, NaN when none exited yet.",
                v -> v.exits().exitedOnce() ? v.exits().lastExitCode() : Double.NaN);
        perVassal(vassals, "emperor_vassal_last_exit_signal", "gauge",
                "Signal that killed the vassal's last process, 0 when it exited by itself, NaN when none exited yet.",
                v -> v.exits().exitedOnce() ? v.exits().lastExitSignal() : Double.NaN);
        perVassal(vassals, "emperor_vassal_last_exit_timestamp_seconds", "gauge",
                "When the vassal's last process was reaped (epoch seconds), NaN when none exited yet.",
                v -> v.exits().exitedOnce() ? v.exits().lastExitMillis() / 1000.0 : Double.NaN);
        perVassal(vassals, "emperor_vassal_throttle_seconds", "gauge", "Blacklist penalty in force for the vassal, 0 when none.",
                v -> v.throttleMs() / 1000.0);
        perVassal(vassals, "emperor_vassal_heartbeat_age_seconds", "gauge",
                "Seconds since the vassal's last heartbeat (pipe byte 26), NaN when it never sent one.",
                v -> v.lastHeartbeat() > 0 ? Math.max(0, nowMillis / 1000.0 - v.lastHeartbeat()) : Double.NaN);
        perVassal(vassals, "emperor_vassal_born_timestamp_seconds", "gauge",
                "uWSGI's born: the vassal file's mtime when its record was made (epoch seconds).", VassalView::born);
        perVassal(vassals, "emperor_vassal_last_run_timestamp_seconds", "gauge",
                "uWSGI's last_run: when the vassal was last started or reloaded (epoch seconds).", VassalView::lastRun);
    }

    private void blacklist(List<BlacklistView> entries) {
        perEntry(entries, "emperor_blacklist_throttle_seconds", "Current throttle penalty of the blacklisted vassal.",
                b -> b.throttleLevel() / 1000.0);
        perEntry(entries, "emperor_blacklist_attempts", "Failed start attempts counted by the blacklist entry.",
                BlacklistView::attempt);
        perEntry(entries, "emperor_blacklist_last_attempt_timestamp_seconds", "Time of the entry's last failed attempt (epoch seconds).",
                BlacklistView::lastAttempt);
    }

    private void perVassal(List<VassalView> vassals, String name, String type, String help, ToDoubleFunction<VassalView> value) {
        family(name, type, help);
        for (VassalView v : vassals) {
            sample(name, "vassal", v.id(), value.applyAsDouble(v));
        }
    }

    private void perEntry(List<BlacklistView> entries, String name, String help, ToDoubleFunction<BlacklistView> value) {
        family(name, "gauge", help);
        for (BlacklistView b : entries) {
            sample(name, "vassal", b.id(), value.applyAsDouble(b));
        }
    }

    private void counter(String name, String help, double value) {
        family(name, "counter", help);
        out.append(name).append(' ').append(number(value)).append('\n');
    }

    private void gauge(String name, String help, double value) {
        family(name, "gauge", help);
        out.append(name).append(' ').append(number(value)).append('\n');
    }

    private void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, String label, String labelValue, double value) {
        out.append(name).append('{').append(label).append("=\"").append(escapeLabel(labelValue)).append("\"} ")
                .append(number(value)).append('\n');
    }

    private static VassalState state(VassalView v) {
        for (VassalState s : VassalState.values()) {
            if (s.label().equals(v.state())) {
                return s;
            }
        }
        return null;
    }

    /** A label value: backslash, double quote and line feed escaped; unpaired surrogates replaced. */
    static String escapeLabel(String s) {
        return escape(StatsJson.clean(s), true);
    }

    /** A HELP text: backslash and line feed escaped. */
    static String escapeHelp(String s) {
        return escape(StatsJson.clean(s), false);
    }

    private static String escape(String s, boolean quote) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = c == '\\' ? "\\\\" : c == '\n' ? "\\n" : quote && c == '"' ? "\\\"" : null;
            if (rep != null && b == null) {
                b = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (b != null) {
                if (rep != null) {
                    b.append(rep);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    /** A sample value as the format wants it: integers without a fraction, {@code NaN}, {@code +Inf}. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
