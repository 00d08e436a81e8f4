package dev.emperor.monitor;

/**
 * Whether one monitor's periodic rescan ({@code emperor-freq}, uWSGI's safety net) is needed this
 * time (docs/operations.md, "Idle cost"). It is left out only when all of these hold: nobody asked
 * for a scan (no inotify event, no vassal death, no command), the loop said after the last scan that
 * it holds nothing a rescan could move on (every vassal running or asleep on demand, no resource
 * trouble), the monitor's directories are watched by live inotify watches, and the monitor says
 * those watches see every change it could find. Even then every {@value #FULL_SCAN_EVERY}th period
 * scans anyway. Used by one runner thread only.
 */
final class PeriodicScans {
    /** At most this many periods between two scans, whatever the watches say. */
    static final int FULL_SCAN_EVERY = 30;

    private int leftOut;
    private volatile long leftOutTotal;

    /** True: scan now. */
    boolean scanNow(boolean requested, boolean loopSettled, boolean watched, boolean watchesSeeEverything) {
        if (requested || !loopSettled || !watched || !watchesSeeEverything || leftOut >= FULL_SCAN_EVERY - 1) {
            leftOut = 0;
            return true;
        }
        leftOut++;
        leftOutTotal++;
        return false;
    }

    /** How many periods were left out so far (for the tests and for nothing else). */
    long leftOutTotal() {
        return leftOutTotal;
    }
}
