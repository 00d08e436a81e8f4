package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * A full log disk: every write of the log fails with ENOSPC (/dev/full). Logging must never throw
 * into the loop, and the appender must stay started so that the log resumes once there is room
 * again (docs/reliability-time.md, "Other faults"). Set up like src/main/resources/logback.xml.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class EmperorLogFullDiskTest {

    @Test
    void writesFailingWithEnospcNeitherThrowNorStopTheLog() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
        out.setContext(ctx);
        out.setName("full-disk-test");
        out.setTarget("System.err");
        out.setEncoder(encoder);
        out.start();
        Logger logger = (Logger) LoggerFactory.getLogger("emperor");
        Level level = logger.getLevel();
        logger.addAppender(out);
        logger.setLevel(Level.INFO);
        PrintStream saved = System.err;
        try (PrintStream full = new PrintStream(new FileOutputStream("/dev/full"), true)) {
            System.setErr(full);
            EmperorLog log = EmperorLog.standard();
            for (int i = 0; i < 200; i++) {
                log.plain("[emperor] line " + i);
                log.verbose("[emperor] verbose line " + i);
                log.warn("[emperor] warning " + i);
                log.error("[emperor] error " + i);
            }
            assertTrue(full.checkError(), "the writes did fail (ENOSPC): the test exercised a full disk");
        } finally {
            System.setErr(saved);
            logger.detachAppender(out);
            logger.setLevel(level);
        }
        assertTrue(out.isStarted(), "the appender is still started: the log resumes when the disk has room");
        out.stop();
    }
}
