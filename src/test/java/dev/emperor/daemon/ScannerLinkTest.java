package dev.emperor.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.emperor.core.EmperorLog;
import dev.emperor.source.Monitor;
import dev.emperor.source.ScanResult;
import dev.emperor.monitor.Scanner;
import dev.emperor.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ScannerLinkTest {

    /** Counts its scans; finds nothing. */
    static final class CountingMonitor implements Monitor {
        final AtomicInteger scans = new AtomicInteger();

        @Override
        public String argument() {
            return "/v";
        }

        @Override
        public ScanResult scan() {
            scans.incrementAndGet();
            return new ScanResult("/v", true, null, List.of(), List.of(), List.of(), 0);
        }

        @Override
        public Set<Path> watchDirectories() {
            return Set.of();
        }
    }

    @Test
    void aRequestBeforeTheScannerIsAttachedFailsLoudly() {
        ScannerLink link = new ScannerLink();
        assertThrows(IllegalStateException.class, link::requestScan);
        assertThrows(IllegalStateException.class, link::usingReserve);
    }

    @Test
    void onceAttachedItAsksTheScanner() {
        CountingMonitor monitor = new CountingMonitor();
        AtomicInteger rounds = new AtomicInteger();
        // freq of an hour: only the startup round and requested rounds happen during the test
        Scanner scanner = new Scanner(List.of(monitor), Duration.ofHours(1), results -> rounds.incrementAndGet(),
                EmperorLog.standard());
        ScannerLink link = new ScannerLink();
        link.attach(scanner);
        assertThrows(IllegalStateException.class, () -> link.attach(scanner), "attached once");
        scanner.start();
        try {
            Await.until("the first round", () -> rounds.get() >= 1);
            int before = rounds.get();
            link.requestScan();
            Await.until("a requested round", () -> rounds.get() > before);
            assertEquals(rounds.get(), monitor.scans.get());
            assertFalse(link.usingReserve(), "no scan runs on the reserve fds here");
        } finally {
            scanner.close();
        }
    }
}
