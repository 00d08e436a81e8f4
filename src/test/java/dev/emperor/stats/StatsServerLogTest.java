package dev.emperor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.emperor.core.EmperorLog;
import java.time.Duration;
import java.time.Instant;
import java.time.Year;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The stats server's failures are written through the daemon's log, so log-date dates them like every line. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StatsServerLogTest {

    @Test
    void aFailedRequestIsLoggedThroughTheDaemonsLog() {
        EmperorLog dated = new EmperorLog("%Y", () -> 0L); // log-date = %Y
        StatsServer server = new StatsServer("127.0.0.1:0", 100, null, Duration.ofSeconds(1),
                () -> StatsTestSupport.snapshot(1), false, Duration.ZERO, 16, dated);
        Logger logger = (Logger) LoggerFactory.getLogger("emperor");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            server.failed("stats request GET /x", new IllegalStateException("boom"));
        } finally {
            logger.detachAppender(logs);
        }
        List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(1, lines.size(), lines.toString());
        String year = Year.from(Instant.EPOCH.atZone(ZoneId.systemDefault())) + " - ";
        assertTrue(lines.get(0).startsWith(year + "[emperor] stats request GET /x failed: java.lang.IllegalStateException: boom (at "),
                lines.get(0));
    }
}
