package dev.emperor.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.core.EmperorLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sd_notify messages on a fake clock: order, STATUS only on change, watchdog period, failures. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SdNotifyTest {
    final List<String> sent = new ArrayList<>();
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    SdNotify notifier(long watchdogNanos) {
        return new SdNotify(m -> sent.add(m), EmperorLog.standard(), nanos::get, watchdogNanos);
    }

    @Test
    void readyAfterFirstScanThenStatusOnlyOnChange() {
        SdNotify n = notifier(0);
        n.iterationDone(0);
        assertEquals(List.of(), sent, "nothing before the first scan");
        n.scanApplied();
        n.iterationDone(2);
        n.iterationDone(2);
        n.scanApplied();
        n.iterationDone(3);
        assertEquals(List.of("READY=1", "STATUS=The Emperor is governing 2 vassals",
                "STATUS=The Emperor is governing 3 vassals"), sent);
        assertEquals(-1, n.millisUntilDue(), "no watchdog, no deadline");
    }

    @Test
    void reloadIsBracketedWithMonotonicTime() {
        SdNotify n = notifier(0);
        n.reloading();
        n.reloaded();
        assertEquals(List.of(), sent, "a reload before READY=1 says nothing");
        n.scanApplied();
        nanos.set(123_456_789_000L);
        n.reloading();
        n.reloaded();
        n.stopping();
        assertEquals(List.of("READY=1", "RELOADING=1\nMONOTONIC_USEC=123456789", "READY=1",
                "STOPPING=1\nSTATUS=The Emperor is burying its vassals"), sent);
    }

    @Test
    void watchdogPingsEveryPeriodFromIterations() {
        SdNotify n = notifier(500_000_000L);
        n.iterationDone(0);
        assertEquals(List.of("WATCHDOG=1"), sent);
        assertEquals(500, n.millisUntilDue());
        nanos.addAndGet(499_000_000L);
        n.iterationDone(0);
        assertEquals(1, sent.size(), "not yet due");
        assertEquals(1, n.millisUntilDue());
        nanos.addAndGet(1_000_000L);
        assertEquals(0, n.millisUntilDue());
        n.iterationDone(0);
        assertEquals(List.of("WATCHDOG=1", "WATCHDOG=1"), sent);
    }

    @Test
    void watchdogEnvironment() {
        assertEquals(0, SdNotify.watchdogNanos(Map.of(), 10));
        assertEquals(15_000_000_000L, SdNotify.watchdogNanos(Map.of("WATCHDOG_USEC", "30000000"), 10));
        assertEquals(15_000_000_000L, SdNotify.watchdogNanos(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "10"), 10));
        assertEquals(0, SdNotify.watchdogNanos(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "11"), 10));
        assertEquals(0, SdNotify.watchdogNanos(Map.of("WATCHDOG_USEC", "x"), 10));
    }

    @Test
    void aFailingSocketNeverThrows() {
        List<String> tried = new ArrayList<>();
        SdNotify n = new SdNotify(m -> {
            tried.add(m);
            if (m.startsWith("READY")) {
                return false;
            }
            throw new IOException("Connection refused");
        }, EmperorLog.standard(), nanos::get, 1_000_000L);
        n.scanApplied();
        n.iterationDone(1);
        n.reloading();
        n.stopping();
        assertTrue(tried.size() >= 4, "every message was still attempted: " + tried);
    }
}
