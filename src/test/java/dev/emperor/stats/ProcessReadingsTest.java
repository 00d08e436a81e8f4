package dev.emperor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessReadingsTest {

    // a comm with spaces and a parenthesis: fields are counted from the last ')'
    static final String STAT = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 9 0 0 0 250 75 0 0 20 0 30 0 12345 "
            + "4096000 2000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0";
    static final String STATUS = "Name:\tjava\nVmPeak:\t 5000 kB\nVmSize:\t  4000 kB\nVmRSS:\t    2048 kB\n";
    static final String LIMITS = "Limit                     Soft Limit           Hard Limit           Units     \n"
            + "Max cpu time              unlimited            unlimited            seconds   \n"
            + "Max open files            1024                 524288               files     \n";
    static final String SYSTEM_STAT = "cpu  1 2 3\nbtime 1795800000\nprocesses 9\n";

    @Test
    void parsesProcFiles() {
        ProcessReadings p = ProcessReadings.read(STAT, STATUS, LIMITS, SYSTEM_STAT, 17);
        assertEquals(3.25, p.cpuSeconds(), 1e-9, "(250 + 75) ticks of 1/100 s");
        assertEquals(2048 * 1024, p.residentBytes());
        assertEquals(4000 * 1024, p.virtualBytes());
        assertEquals(17, p.openFds());
        assertEquals(1024, p.maxFds(), "the soft limit");
        assertEquals(1795800000 + 123.45, p.startTimeSeconds(), 1e-6);
    }

    @Test
    void unreadableFilesGiveNaNNotAFailure() {
        ProcessReadings p = ProcessReadings.read(null, "garbage", "Max open files unlimited unlimited files\n", null, Double.NaN);
        assertTrue(Double.isNaN(p.cpuSeconds()) && Double.isNaN(p.residentBytes()) && Double.isNaN(p.startTimeSeconds()));
        assertEquals(Double.POSITIVE_INFINITY, p.maxFds());
    }

    @Test
    void readsThisProcess() {
        ProcessReadings p = ProcessReadings.self();
        assertTrue(p.cpuSeconds() > 0, "a JVM that ran tests used CPU: " + p);
        assertTrue(p.residentBytes() > 1 << 20 && p.virtualBytes() >= p.residentBytes(), p.toString());
        assertTrue(p.openFds() >= 3 && p.maxFds() >= p.openFds(), p.toString());
        long nowSeconds = System.currentTimeMillis() / 1000;
        long started = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime() / 1000;
        assertTrue(Math.abs(p.startTimeSeconds() - started) < 5 && p.startTimeSeconds() <= nowSeconds + 1,
                "start time " + p.startTimeSeconds() + " vs JVM start " + started);
    }
}
