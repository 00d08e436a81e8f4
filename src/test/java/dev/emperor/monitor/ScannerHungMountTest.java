package dev.emperor.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.source.Monitor;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalSource;
import dev.emperor.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each monitor runs on its own thread and its answers reach the loop alone (docs/architecture.md,
 * "Vassal sources"): a monitor whose scan never returns (a vassal directory on a hung mount, a query
 * that never ends) is a failed look for that monitor only, the other monitors' answers do not wait
 * for its bound, no scan threads pile up (docs/reliability-time.md, "Other faults"), and a monitor's
 * own wake-up scans it at once.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScannerHungMountTest {

    static final class FakeMonitor implements Monitor {
        final String name;
        final CountDownLatch release;
        final AtomicInteger scans = new AtomicInteger();
        volatile Runnable scanSoon;

        FakeMonitor(String name, CountDownLatch release) {
            this.name = name;
            this.release = release;
        }

        @Override
        public String argument() {
            return name;
        }

        @Override
        public ScanResult scan() {
            scans.incrementAndGet();
            if (release != null) {
                try {
                    release.await(); // stat() on a dead NFS server
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            VassalSource f = new VassalSource(name + ".ini", Path.of("/" + name, name + ".ini"), Path.of("/" + name), 1, 0, 0, name);
            return new ScanResult(name, true, null, List.of(f), List.of());
        }

        @Override
        public void wakeUps(Runnable scanSoon) {
            this.scanSoon = scanSoon;
        }
    }

    static long count(List<ScanResult> results, String monitor, boolean ok) {
        return results.stream().filter(r -> r.monitor().equals(monitor) && r.ok() == ok).count();
    }

    @Test
    void aHungMonitorFailsAloneAndTheOthersDoNotWaitForIt() {
        CountDownLatch mount = new CountDownLatch(1);
        FakeMonitor hung = new FakeMonitor("/nfs", mount);
        FakeMonitor local = new FakeMonitor("/local", null);
        List<ScanResult> results = new CopyOnWriteArrayList<>();
        Scanner scanner = new Scanner(List.of(hung, local), Duration.ofMillis(50), results::addAll,
                new dev.emperor.core.EmperorLog(null, () -> 0L), Duration.ofMillis(3000));
        try {
            scanner.start();
            Await.until("three answers of the local monitor", () -> count(results, "/local", true) >= 3);
            assertEquals(0, count(results, "/nfs", false) + count(results, "/nfs", true),
                    "the local answers came before the hung monitor's bound: nothing waited for it");

            Await.until("the hung monitor is a failed look", () -> count(results, "/nfs", false) >= 1);
            ScanResult failed = results.stream().filter(r -> r.monitor().equals("/nfs")).findFirst().orElseThrow();
            assertTrue(failed.error().contains("did not return within 3000 ms"), failed.error());
            assertEquals(1, hung.scans.get(), "a hanging scan is not started again");

            mount.countDown(); // the server comes back
            Await.until("the monitor answers again", () -> count(results, "/nfs", true) >= 1);
            ScanResult back = results.stream().filter(r -> r.monitor().equals("/nfs") && r.ok()).findFirst().orElseThrow();
            assertEquals("/nfs.ini", back.vassals().get(0).name());
        } finally {
            scanner.close();
        }
    }

    @Test
    void aMonitorsOwnWakeUpScansItAtOnce() {
        FakeMonitor db = new FakeMonitor("pg://db", null);
        List<ScanResult> results = new CopyOnWriteArrayList<>();
        // emperor-freq far away: only the first scan and the wake-up can explain a second answer
        Scanner scanner = new Scanner(List.of(db), Duration.ofSeconds(600), results::addAll,
                new dev.emperor.core.EmperorLog(null, () -> 0L));
        try {
            scanner.start();
            Await.until("the first scan", () -> results.size() == 1);
            db.scanSoon.run();
            Await.until("a scan right after the wake-up", () -> results.size() == 2);
            assertEquals(2, db.scans.get());
        } finally {
            scanner.close();
        }
    }
}
