package dev.emperor.source;

import java.util.List;

/**
 * The answer of one monitor to "which vassals exist now?".
 *
 * @param monitor    the monitor's argument
 * @param ok         false when the scan could not run (e.g. the directory is gone, or opendir failed with
 *                   EMFILE): then nothing may be concluded about removals, as uWSGI skips such a scan entirely
 * @param error      why the scan could not run, null when ok
 * @param lookFailed names listed but not looked at for a reason that says nothing about them: their
 *                   records stay untouched (docs/reliability.md)
 * @param errno      the errno behind a failed scan, 0 when ok or unknown
 * @param partial    a targeted look at the entries an inotify event named, not a listing of the whole source:
 *                   the vassals it found are applied, nothing is concluded from what it does not list, and its
 *                   skipped and look-failed entries are left to the full scan that follows it
 *                   (docs/operations.md, "Fork-server adoption: the daemon's share")
 */
public record ScanResult(String monitor, boolean ok, String error, List<VassalSource> vassals, List<Skipped> skipped,
                         List<LookFailed> lookFailed, int errno, boolean partial) {

    public ScanResult {
        vassals = List.copyOf(vassals);
        skipped = List.copyOf(skipped);
        lookFailed = List.copyOf(lookFailed);
    }

    public ScanResult(String monitor, boolean ok, String error, List<VassalSource> vassals, List<Skipped> skipped,
                      List<LookFailed> lookFailed, int errno) {
        this(monitor, ok, error, vassals, skipped, lookFailed, errno, false);
    }

    public ScanResult(String monitor, boolean ok, String error, List<VassalSource> vassals, List<Skipped> skipped) {
        this(monitor, ok, error, vassals, skipped, List.of(), 0);
    }

    /** A targeted look that found {@code vassals} among the entries it was asked about (see {@code partial}). */
    public static ScanResult partial(String monitor, List<VassalSource> vassals) {
        return partial(monitor, vassals, List.of());
    }

    /** ... and could not conclude about {@code open} (gone, refused, unreadable): a full scan is to judge them. */
    public static ScanResult partial(String monitor, List<VassalSource> vassals, List<LookFailed> open) {
        return new ScanResult(monitor, true, null, vassals, List.of(), open, 0, true);
    }

    public static ScanResult failed(String monitor, String error) {
        return failed(monitor, error, 0);
    }

    public static ScanResult failed(String monitor, String error, int errno) {
        return new ScanResult(monitor, false, error, List.of(), List.of(), List.of(), errno);
    }
}
