package dev.emperor.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** Lines said while logback starts on another thread (LogSetup) come out later, in order, with their own time. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EarlyLogTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(EarlyLogTest.class);
    private final ListAppender<ILoggingEvent> list = new ListAppender<>();
    private ch.qos.logback.classic.Level testLevel;

    @BeforeEach
    void attach() {
        testLevel = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.INFO); // the test configuration may be quieter
        list.setContext(logger.getLoggerContext());
        list.start();
        logger.addAppender(list);
    }

    @AfterEach
    void detach() {
        EarlyLog.flush();
        logger.detachAppender(list);
        logger.setLevel(testLevel);
    }

    @Test
    void keptLinesWaitThenComeOutInOrderWithTheirTime() throws Exception {
        EarlyLog log = EarlyLog.forClass(EarlyLogTest.class);
        EarlyLog.keep();
        log.info("first");
        long before = System.currentTimeMillis();
        log.warn("second");
        log.info("third");
        assertTrue(list.list.isEmpty(), "nothing reaches logback while kept");
        long waitUntil = before + 5; // a clock step, so that a time stamp taken at flush would differ
        while (System.currentTimeMillis() < waitUntil) {
            Thread.onSpinWait();
        }
        EarlyLog.flush();
        List<String> got = list.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        assertEquals(List.of("INFO first", "WARN second", "INFO third"), got);
        assertTrue(list.list.get(1).getTimeStamp() < waitUntil, "the time the line was said, not the flush's");
        assertEquals(EarlyLogTest.class.getName(), list.list.get(0).getLoggerName());
    }

    @Test
    void withoutKeepingALineGoesOutAtOnce() {
        EarlyLog.forClass(EarlyLogTest.class).info("now");
        assertEquals(1, list.list.size());
        assertEquals("now", list.list.get(0).getFormattedMessage());
    }

    @Test
    void afterTheFlushALineFromAnyThreadGoesOutAtOnceAfterTheKeptOnes() throws Exception {
        EarlyLog log = EarlyLog.forClass(EarlyLogTest.class);
        EarlyLog.keep();
        log.info("kept");
        EarlyLog.flush();
        Thread t = new Thread(() -> log.info("later"));
        t.start();
        t.join();
        assertEquals(List.of("kept", "later"), list.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }

    @Test
    void aDisabledLevelIsDroppedAtTheFlushAsItWouldBeAtOnce() {
        logger.setLevel(ch.qos.logback.classic.Level.WARN); // restored by detach()
        EarlyLog log = EarlyLog.forClass(EarlyLogTest.class);
        EarlyLog.keep();
        log.info("quiet");
        log.warn("loud");
        EarlyLog.flush();
        assertEquals(List.of("loud"), list.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }
}
