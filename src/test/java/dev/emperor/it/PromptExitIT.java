package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * After "The Emperor is buried." the JVM exits: nothing (a non-daemon thread, a server's close, a shutdown hook)
 * keeps it alive. No timed assertion (machine load varies): the exit must be seen within a generous deadline, and
 * the measured delay is printed ([prompt-exit] line) for the record. Started through the launcher, as operators
 * run it: signals come from a signalfd, whose reader must not be left blocked in a native call (HotSpot's exit
 * waits 300 ms for such threads); no class-data archive is written at exit (docs/logging.md, "Exit"). Ours only.
 */
@Timeout(90)
class PromptExitIT {

    @Test
    void theJvmIsGoneRightAfterTheBurial() throws Exception {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "the JVM's exit");
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("prompt-exit").viaLauncher().build()) {
            Vassals.python("app1", port).writeTo(e);
            e.start();
            e.awaitAnswer(port, "app1", TempEmperor.SHORT);
            StatsHttp.get(e.statsPort(), "/metrics"); // the stats server has served a connection too
            CompletableFuture<Long> exited = e.exitNanos();
            int mark = e.log().mark();
            e.signal("TERM");
            Pattern buried = Pattern.compile("The Emperor is buried\\.");
            long buriedAt = Poll.value(Duration.ofSeconds(30), "the burial line", () -> e.log().arrival(mark, buried));
            Poll.until(Duration.ofSeconds(10), "the JVM gone after the burial", exited::isDone);
            assertEquals(0, e.awaitExit(Duration.ofSeconds(1)), "clean shutdown");
            long ms = (exited.get() - buriedAt) / 1_000_000;
            System.out.println("[prompt-exit] burial line -> process exit: " + ms + " ms");
        }
    }
}
