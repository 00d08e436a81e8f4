package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ragnarok's stop-byte pass writes no log line until it is over (docs/lifecycle.md, "Ragnarok"): the
 * lines of the pass's thread are held and then written in their order; another thread's are not held.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HeldLinesTest {

    @Test
    void theLinesOfThePassComeAfterItInOrder() throws InterruptedException {
        EmperorLog log = EmperorLog.standard();
        try (LogLines lines = new LogLines()) {
            log.holdingLines(() -> {
                log.plain("one");
                log.about("a.ini", 1, "stop").plain("two");
                log.warn("three");
                assertEquals(List.of(), lines.all(), "nothing written during the pass");
                Thread other = new Thread(() -> log.plain("elsewhere"));
                other.start();
                try {
                    other.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                assertEquals(List.of("elsewhere"), lines.all(), "another thread's line is not held");
            });
            assertEquals(List.of("elsewhere", "one", "two", "three"), lines.all());
            log.plain("after");
            assertEquals("after", lines.all().get(4), "no longer held");
        }
    }
}
