package dev.emperor.monitor;

import dev.emperor.source.VassalSource;
import dev.emperor.source.Monitor;
import dev.emperor.source.ScanResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A monitor whose scan never returns (a vassal directory on a hung mount) is a failed look for that
 * monitor only: the other monitors go on being scanned and no scan threads pile up
 * (docs/reliability-time.md, "Other faults").
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScannerHungMountTest {

    static final class FakeMonitor implements Monitor {
        final String name;
        final CountDownLatch release;
        final AtomicInteger scans = new AtomicInteger();

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
        public Set<Path> watchDirectories() {
            return Set.of();
        }
    }

    @Test
    void aHungMonitorFailsAloneAndIsNotStartedAgainWhileItHangs() {
        CountDownLatch mount = new CountDownLatch(1);
        FakeMonitor hung = new FakeMonitor("/nfs", mount);
        FakeMonitor local = new FakeMonitor("/local", null);
        List<List<ScanResult>> rounds = new CopyOnWriteArrayList<>();
        Scanner scanner = new Scanner(List.of(hung, local), Duration.ofMillis(50), rounds::add, new dev.emperor.core.EmperorLog(null, () -> 0L), Duration.ofMillis(200));
        try {
            scanner.start();
            Await.until("three rounds", () -> rounds.size() >= 3);
            for (List<ScanResult> round : rounds.subList(0, 3)) {
                assertFalse(round.get(0).ok(), "the hung monitor is a failed look: " + round.get(0));
                assertTrue(round.get(1).ok(), "the other monitor is scanned every round");
            }
            assertTrue(rounds.get(0).get(0).error().contains("did not return within 200 ms"), rounds.get(0).get(0).error());
            assertEquals(1, hung.scans.get(), "a hanging scan is not started again");
            assertTrue(local.scans.get() >= 3);

            mount.countDown(); // the server comes back
            int seen = rounds.size();
            Await.until("the monitor answers again", () -> rounds.size() > seen + 1 && rounds.get(rounds.size() - 1).get(0).ok());
            assertEquals("/nfs.ini", rounds.get(rounds.size() - 1).get(0).vassals().get(0).name());
        } finally {
            scanner.close();
        }
    }
}
