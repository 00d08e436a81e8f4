package dev.emperor.daemon;

import dev.emperor.monitor.Scanner;

/**
 * The loop's link to the scanner. The two need each other — the scanner posts its results to the
 * loop; the loop asks the scanner for a rescan (after a vassal's death, as uWSGI rescans at once)
 * and whether a scan holds the reserve fd — so the loop is built with this link and the scanner is
 * attached to it as soon as it exists, before either runs.
 */
final class ScannerLink {
    private volatile Scanner scanner;

    void attach(Scanner s) {
        if (scanner != null) {
            throw new IllegalStateException("a scanner is attached already");
        }
        scanner = s;
    }

    /** Thread-safe: {@link Scanner#requestScan()}. */
    void requestScan() {
        scanner().requestScan();
    }

    /** Thread-safe: {@link Scanner#usingReserve()}. */
    boolean usingReserve() {
        return scanner().usingReserve();
    }

    /** Loop thread: {@link Scanner#loopSettled(boolean)}. */
    void loopSettled(boolean settled) {
        scanner().loopSettled(settled);
    }

    private Scanner scanner() {
        Scanner s = scanner;
        if (s == null) {
            throw new IllegalStateException("the scanner was asked for before it was attached");
        }
        return s;
    }
}
