package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.Errno.Resource;
import dev.emperor.internal.FakeNative;
import dev.emperor.internal.Native;
import org.junit.jupiter.api.Test;

/** The shortage bookkeeping with a fake clock: backoff, one line per condition, the counters. */
class ResourceTroubleTest {

    @Test
    void backoffDoublesToTwoSecondsAndOneSuccessReleasesEveryone() {
        FakeNative nat = new FakeNative();
        try (LogLines log = new LogLines()) {
            ResourceTrouble t = new ResourceTrouble(nat, EmperorLog.standard());
            t.failed(Resource.EMFILE, "a.ini", "spawn of a.ini", 0);
            assertEquals(250, t.retryAt());
            assertTrue(t.defers(249));
            assertFalse(t.defers(250));
            t.failed(Resource.EMFILE, "a.ini", "spawn of a.ini", 250);
            assertEquals(750, t.retryAt());
            t.failed(Resource.EMFILE, "a.ini", "spawn of a.ini", 750);
            t.failed(Resource.EMFILE, "a.ini", "spawn of a.ini", 1750);
            t.failed(Resource.EMFILE, "a.ini", "spawn of a.ini", 3750);
            assertEquals(5750, t.retryAt(), "at most 2 s apart");
            t.started("a.ini");
            assertFalse(t.defers(3800), "the first success releases the others at once");
            assertEquals(5L, t.counts().get("emfile"));
            assertEquals(0L, t.counts().get("eagain"));
        }
    }

    @Test
    void oneLineWhenItStartsAndOneWhenNobodyWaitsAnyMore() {
        FakeNative nat = new FakeNative();
        nat.limits = new Native.Limits(-1, 1024, 100);
        try (LogLines log = new LogLines()) {
            ResourceTrouble t = new ResourceTrouble(nat, EmperorLog.standard());
            t.failed(Resource.EMFILE, "a.ini", "spawn of a.ini", 0);
            t.waits("b.ini");
            t.report(name -> true);
            t.failed(Resource.EMFILE, "b.ini", "spawn of b.ini", 300);
            t.report(name -> true);
            t.scanClean(); // fds seen again, but a.ini and b.ini still wait: same condition
            t.report(name -> true);
            assertEquals(1, log.count("[emperor] out of file descriptors (all 1024 in use, limit 1024): 2 vassals wait"),
                    log.all().toString());
            assertEquals(0, log.count("cleared"));
            t.started("a.ini");
            t.report(name -> !name.equals("b.ini")); // b.ini was removed meanwhile
            assertEquals(1, log.count("[emperor] out of file descriptors: cleared"), log.all().toString());
            t.failed(Resource.EAGAIN, "c.ini", "spawn of c.ini", 400);
            t.report(name -> true);
            assertEquals(1, log.count("cannot create more processes (EAGAIN) (process limit RLIMIT_NPROC 100"),
                    log.all().toString());
        }
    }
}
