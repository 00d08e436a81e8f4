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
 */
public record ScanResult(String monitor, boolean ok, String error, List<VassalSource> vassals, List<Skipped> skipped,
                         List<LookFailed> lookFailed, int errno) {

    public ScanResult {
        vassals = List.copyOf(vassals);
        skipped = List.copyOf(skipped);
        lookFailed = List.copyOf(lookFailed);
    }

    public ScanResult(String monitor, boolean ok, String error, List<VassalSource> vassals, List<Skipped> skipped) {
        this(monitor, ok, error, vassals, skipped, List.of(), 0);
    }

    public static ScanResult failed(String monitor, String error) {
        return failed(monitor, error, 0);
    }

    public static ScanResult failed(String monitor, String error, int errno) {
        return new ScanResult(monitor, false, error, List.of(), List.of(), List.of(), errno);
    }

    /** The same answer with other vassal files (used when annotating them after the scan). */
    public ScanResult withVassals(List<VassalSource> files) {
        return new ScanResult(monitor, ok, error, files, skipped, lookFailed, errno);
    }
}
