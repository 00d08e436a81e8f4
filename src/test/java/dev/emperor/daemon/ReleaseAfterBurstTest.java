package dev.emperor.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Memory released once per burst of spawns or stops, after it is over; never at rest. */
@Timeout(10)
class ReleaseAfterBurstTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicInteger releases = new AtomicInteger();
    private final ReleaseAfterBurst trim = new ReleaseAfterBurst(releases::incrementAndGet, now::get);

    private long trims() {
        return releases.get();
    }

    @Test
    void aFleetsStartTrimsOnceWhenItHasHeldStill() {
        for (int governed = 0; governed <= 200; governed += 20) {
            trim.iterationDone(governed);
            now.addAndGet(100);
        }
        assertEquals(ReleaseAfterBurst.QUIET_MS - 100, trim.millisUntilDue());
        now.addAndGet(ReleaseAfterBurst.QUIET_MS - 101);
        trim.iterationDone(200);
        assertEquals(0, trims());
        assertEquals(1, trim.millisUntilDue());
        now.addAndGet(1);
        trim.iterationDone(200);
        assertEquals(1, trims());
        assertEquals(-1, trim.millisUntilDue());
        now.addAndGet(60_000);
        trim.iterationDone(200);
        assertEquals(1, trims(), "at rest: no more trims");
    }

    @Test
    void aFewVassalsComingAndGoingReleaseOnlyOnceTheStartIsOver() {
        for (int i = 0; i < 100; i++) {
            trim.iterationDone(i % 2 == 0 ? 10 : 12);
            now.addAndGet(ReleaseAfterBurst.QUIET_MS * 2);
            trim.iterationDone(i % 2 == 0 ? 10 : 12);
        }
        assertEquals(1, trims(), "the start's release, then none");
        assertEquals(-1, trim.millisUntilDue());
    }

    @Test
    void anEmptyDaemonReleasesItsStartOnce() {
        trim.iterationDone(0);
        assertEquals(ReleaseAfterBurst.QUIET_MS, trim.millisUntilDue());
        now.addAndGet(ReleaseAfterBurst.QUIET_MS);
        trim.iterationDone(0);
        now.addAndGet(600_000);
        trim.iterationDone(0);
        assertEquals(1, trims());
    }

    @Test
    void aFleetsStopTrimsToo() {
        trim.iterationDone(100);
        now.addAndGet(ReleaseAfterBurst.QUIET_MS);
        trim.iterationDone(100);
        assertEquals(1, trims());
        trim.iterationDone(50);
        trim.iterationDone(0);
        now.addAndGet(ReleaseAfterBurst.QUIET_MS);
        trim.iterationDone(0);
        assertEquals(2, trims());
    }
}
