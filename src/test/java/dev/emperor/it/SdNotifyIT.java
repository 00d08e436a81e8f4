package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real jar under a stand-in for systemd's notification socket (docs/operations.md, "sd_notify"):
 * READY=1 once the first scan's vassals are spawned, STATUS with uWSGI's words as vassals come and
 * go, RELOADING=1 (with MONOTONIC_USEC) and READY=1 around SIGHUP, STOPPING=1 at SIGTERM, and
 * WATCHDOG=1 every WATCHDOG_USEC/2 from the event loop: no pings while the daemon is stopped.
 */
@Timeout(120)
class SdNotifyIT {
    static final String GOVERNING = "STATUS=The Emperor is governing ";

    @BeforeEach
    void onlyOurs() {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "sd_notify beyond uWSGI's STATUS lines (READY after the first scan, RELOADING, watchdog) is this daemon's");
    }

    @Test
    void pathSocketFullProtocol() throws Exception {
        Path dir = Files.createTempDirectory("emperor-notify-");
        int a = Ports.free();
        int b = Ports.free();
        try (NotifyListener sd = NotifyListener.atPath(dir.resolve("notify"));
             TempEmperor e = TempEmperor.prepare("sdnotify-path")
                     .env("NOTIFY_SOCKET", sd.address())
                     .env("WATCHDOG_USEC", "400000") // pings every 200 ms
                     .build()) {
            Vassals.python("nota", a).writeTo(e);
            Vassals.python("notb", b).writeTo(e);
            e.start();

            int ready = sd.await(0, TempEmperor.SHORT, "READY=1", m -> m.has("READY=1"));
            // the first spawns were issued in the same loop iteration as the first scan: the first
            // STATUS after READY already counts both vassals
            int status = sd.await(ready, TempEmperor.SHORT, "a STATUS", m -> m.field("STATUS") != null);
            assertEquals(GOVERNING + "2 vassals", "STATUS=" + sd.messages().get(status).field("STATUS"));
            e.awaitAnswer(a, "nota", TempEmperor.SHORT);
            e.awaitAnswer(b, "notb", TempEmperor.SHORT);

            // vassals never see the service manager's variables
            long vassalPid = e.awaitVassal("nota.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();
            String environ = new String(Files.readAllBytes(Path.of("/proc/" + vassalPid + "/environ")), StandardCharsets.UTF_8);
            assertFalse(environ.contains("NOTIFY_SOCKET="), "vassal environment: " + environ);
            assertFalse(environ.contains("WATCHDOG_USEC="), "vassal environment: " + environ);

            int mark = sd.messages().size();
            Files.delete(e.vassalsDir().resolve("notb.ini"));
            sd.await(mark, TempEmperor.SHORT, "governing 1", m -> m.has(GOVERNING + "1 vassals"));
            mark = sd.messages().size();
            Vassals.python("notb", b).writeTo(e);
            sd.await(mark, TempEmperor.SHORT, "governing 2 again", m -> m.has(GOVERNING + "2 vassals"));

            mark = sd.messages().size();
            long before = System.nanoTime() / 1000;
            e.signal("HUP");
            int reloading = sd.await(mark, TempEmperor.SHORT, "RELOADING=1", m -> m.has("RELOADING=1"));
            long after = System.nanoTime() / 1000;
            long usec = Long.parseLong(sd.messages().get(reloading).field("MONOTONIC_USEC"));
            // System.nanoTime is CLOCK_MONOTONIC on Linux, the clock systemd compares MONOTONIC_USEC with
            assertTrue(usec >= before && usec <= after, "MONOTONIC_USEC " + usec + " in [" + before + ", " + after + "]");
            sd.await(reloading + 1, TempEmperor.SHORT, "READY=1 after the reload", m -> m.has("READY=1"));

            // watchdog: about 5 pings a second from a running loop
            long windowStart = System.nanoTime();
            await(Duration.ofMillis(2000));
            long pings = pingsBetween(sd.messages(), windowStart, System.nanoTime());
            assertTrue(pings >= 6 && pings <= 14, "pings in 2 s at a 200 ms period: " + pings);

            // a stopped daemon (its loop cannot run) sends none; once continued, pings resume
            e.signal("STOP");
            try {
                await(Duration.ofMillis(100)); // a ping already in flight lands
                long stoppedAt = System.nanoTime();
                await(Duration.ofMillis(1000));
                assertEquals(0, pingsBetween(sd.messages(), stoppedAt, System.nanoTime()), "pings from a stopped loop");
            } finally {
                e.signal("CONT");
            }
            mark = sd.messages().size();
            sd.await(mark, Duration.ofSeconds(5), "pings again", m -> m.has("WATCHDOG=1"));

            mark = sd.messages().size();
            e.signal("TERM");
            sd.await(mark, TempEmperor.SHORT, "STOPPING=1", m -> m.has("STOPPING=1"));
            assertEquals(0, e.awaitExit(Duration.ofSeconds(20)));
        } finally {
            TempEmperor.deleteTree(dir);
        }
    }

    @Test
    void abstractSocket() throws Exception {
        int a = Ports.free();
        String name = "emperor-it-notify-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (NotifyListener sd = NotifyListener.abstractName(name);
             TempEmperor e = TempEmperor.prepare("sdnotify-abstract").env("NOTIFY_SOCKET", sd.address()).build()) {
            Vassals.python("absa", a).writeTo(e);
            e.start();
            int ready = sd.await(0, TempEmperor.SHORT, "READY=1", m -> m.has("READY=1"));
            sd.await(ready, TempEmperor.SHORT, "governing 1", m -> m.has(GOVERNING + "1 vassals"));
            assertTrue(sd.messages().stream().noneMatch(m -> m.has("WATCHDOG=1")), "no WATCHDOG_USEC, no pings");
            e.signal("TERM");
            sd.await(ready, TempEmperor.SHORT, "STOPPING=1", m -> m.has("STOPPING=1"));
            assertEquals(0, e.awaitExit(Duration.ofSeconds(20)));
        }
    }

    private static long pingsBetween(List<NotifyListener.Message> messages, long from, long to) {
        return messages.stream().filter(m -> m.has("WATCHDOG=1") && m.nanos() >= from && m.nanos() < to).count();
    }

    /** Observes a period of time (counting what happens in it); not a wait for a condition. */
    private static void await(Duration d) throws InterruptedException {
        new CountDownLatch(1).await(d.toMillis(), TimeUnit.MILLISECONDS);
    }
}
