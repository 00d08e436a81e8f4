package dev.emperor.daemon;

import dev.emperor.monitor.Scanner;

/**
 * The loop's way to ask for a rescan (after a vassal's death, uWSGI rescans at once). The loop and
 * the scanner need each other — the scanner posts its results to the loop, the loop asks the
 * scanner for a scan — so the loop is built with this trigger and the scanner is attached to it as
 * soon as it exists, before either runs.
 */
final class RescanTrigger implements Runnable {
    private volatile Scanner scanner;

    void attach(Scanner s) {
        if (scanner != null) {
            throw new IllegalStateException("a scanner is attached already");
        }
        scanner = s;
    }

    /** Thread-safe; the scanner must be attached (it is, before the loop or any signal runs). */
    @Override
    public void run() {
        Scanner s = scanner;
        if (s == null) {
            throw new IllegalStateException("rescan requested before the scanner was attached");
        }
        s.requestScan();
    }
}
