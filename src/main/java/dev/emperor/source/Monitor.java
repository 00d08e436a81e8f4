package dev.emperor.source;

import java.nio.file.Path;
import java.util.Set;

/**
 * A source of vassals: the seam every monitor kind implements (dir, glob, a database; docs/architecture.md,
 * "Vassal sources"). It only answers "which vassals exist now?"; it never spawns anything and keeps no
 * state about instances (docs/uwsgi-compat.md, "Monitors"; monitors → core, one way).
 *
 * <h2>Contract</h2>
 * <ul>
 * <li>{@link #scan()} runs on this monitor's own thread ({@code monitor/Scanner} gives each monitor one),
 *     never on the event loop, never concurrently with itself. It may block (a query, a hung mount), but the
 *     scanner waits for it at most its bound ({@code Scanner.SCAN_BOUND}): a scan that does not return in
 *     time is reported as a failed look for this monitor only, and it is not started again while it hangs.
 *     A slow monitor delays no other monitor.</li>
 * <li>A scan that could not look (connection refused, query failed, timeout, EMFILE) returns
 *     {@link ScanResult#failed}: <b>a failed look is not an absence</b>, no vassal of this monitor is
 *     stopped. Only an ok result that no longer lists a name stops that vassal. A single name that could
 *     not be looked at goes into {@link ScanResult#lookFailed()}; an entry refused for a reason of its own
 *     (bad name, NULL config, a config larger than {@link VassalSource#MAX_CONFIG}, a missing uid/gid column under
 *     Tyrant) goes into {@link ScanResult#skipped()} with the reason (logged once, not every scan).</li>
 * <li>Each vassal is a {@link VassalSource}: file-shaped (path, no config) or config-shaped
 *     ({@link VassalSource#ofConfig}: the config bytes go to the vassal through the config pipe, argv
 *     {@code --ini emperor://NAME}). Its {@code mtimeNanos} is the change marker (a row's ts × 10⁹): only a
 *     larger value reloads; its uid/gid are the source's (a row's columns), judged under Tyrant with
 *     {@link TyrantCheck#owner(String, int, int)} and put into {@code refusal} by the monitor; a socket
 *     name it sets is the vassal's on-demand socket and wins over any discovery.</li>
 * <li>Names are unique per monitor; a name already provided by another monitor is skipped by the loop
 *     with a log line (first come keeps it).</li>
 * <li>{@link #argument()} is what the stats, {@code /metrics} and logs show: it must not contain a
 *     password.</li>
 * <li>A monitor that learns of changes by itself (LISTEN/NOTIFY, inotify of its own) calls the
 *     {@code scanSoon} given to {@link #wakeUps} from any thread; its scan then runs at once (coalesced
 *     with a pending one). The {@code emperor-freq} rescan stays as the safety net.</li>
 * </ul>
 * New kinds are registered in {@link MonitorKinds} (scheme → factory).
 */
public interface Monitor {

    /** The argument as the stats show it ({@code monitor} field, {@code emperor} list); never a password. */
    String argument();

    /** A full scan; called from this monitor's scan thread only. */
    ScanResult scan();

    /**
     * A targeted look at the entries an inotify event on {@code dir} named, before the full scan that
     * follows it: a {@link ScanResult#partial} listing those of them that are vassals now, so that a new
     * file's vassal does not wait for a scan of the whole source. An entry that is gone, unreadable or
     * not a vassal is simply not listed: only a full scan concludes an absence. Null when this monitor
     * has no such look (the full scan then does it all). Called from this monitor's scan thread only.
     */
    default ScanResult lookAt(Path dir, java.util.Collection<String> names) {
        return null;
    }

    /** Directories whose changes should trigger a scan at once (inotify); none for a source that is not files. */
    default Set<Path> watchDirectories() {
        return Set.of();
    }

    /**
     * True when the last complete scan found nothing that inotify watches on {@link #watchDirectories()}
     * could miss: only plain files on a local filesystem, each with one link, none of them a symlink,
     * and every look succeeded. While those watches stay live and report nothing, a periodic rescan
     * would then find the same (docs/operations.md, "Idle cost"). Called from the scanner's threads.
     */
    default boolean watchesSeeEverything() {
        return false;
    }

    /**
     * Called once by the scanner before the first scan: {@code scanSoon} asks for a scan of this monitor
     * as soon as possible (thread-safe, cheap, coalesced). Monitors without their own change events ignore it.
     */
    default void wakeUps(Runnable scanSoon) {
    }

    /** The Emperor is stopping: release connections and threads (called once, from any thread). */
    default void close() {
    }
}
