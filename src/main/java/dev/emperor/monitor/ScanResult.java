package dev.emperor.monitor;

import java.util.List;

/**
 * The answer of one monitor to "which vassals exist now?".
 *
 * @param monitor the monitor's argument
 * @param ok      false when the scan could not run (e.g. the directory is gone): then nothing may be
 *                concluded about removals, as uWSGI skips such a scan entirely
 * @param error   why the scan could not run, null when ok
 */
public record ScanResult(String monitor, boolean ok, String error, List<VassalFile> vassals, List<Skipped> skipped) {

    public ScanResult {
        vassals = List.copyOf(vassals);
        skipped = List.copyOf(skipped);
    }

    public static ScanResult failed(String monitor, String error) {
        return new ScanResult(monitor, false, error, List.of(), List.of());
    }
}
