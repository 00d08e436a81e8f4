package dev.emperor.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.emperor.core.EmperorLog;
import dev.emperor.internal.FakeNative;
import dev.emperor.testing.Await;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** {@code emperor-trigger-socket} as uWSGI master has it (docs/uwsgi-compat.md, "Trigger socket"). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TriggerSocketTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger("emperor");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final FakeNative nat = new FakeNative();
    private final EmperorLog log = new EmperorLog(null, System::currentTimeMillis);

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
        appender.stop();
    }

    List<String> lines() {
        synchronized (appender) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Test
    void noAddressNoSocket() throws Exception {
        assertNull(TriggerSocket.start(nat, null, Path.of("/"), 100, log));
        assertTrue(nat.listening.isEmpty());
    }

    @Test
    void boundAndLoggedAsMasterThenClosedByItsFirstEvent() throws Exception {
        try (TriggerSocket t = TriggerSocket.start(nat, "127.0.0.1:4040", Path.of("/"), 64, log)) {
            int fd = nat.listening.keySet().iterator().next();
            assertEquals("tcp 127.0.0.1:4040 backlog 64", nat.listening.get(fd));
            assertTrue(lines().contains("*** Emperor trigger socket enabled on 127.0.0.1:4040 fd: " + fd + " ***"), lines().toString());
            assertFalse(t.isClosed());
            nat.clientConnects(fd);
            Await.until("the first event to close the socket", t::isClosed);
            assertTrue(lines().contains("[emperor] unrecognized vassal event on fd " + fd), lines().toString());
            assertTrue(nat.calls.contains("close " + fd));
        }
    }

    @Test
    void anAddressWithoutColonIsAUnixSocketFromTheEmperorsDirectory() throws Exception {
        try (TriggerSocket t = TriggerSocket.start(nat, "run/trigger.sock", Path.of("/srv/emperor"), 100, log)) {
            assertTrue(nat.listening.containsValue("unix /srv/emperor/run/trigger.sock backlog 100"), nat.listening.toString());
        }
    }

    @Test
    void anyInterfaceWithAnEmptyHost() {
        assertTrue(TriggerSocket.bind(nat, ":4041", Path.of("/"), 100) > 0);
        assertTrue(nat.listening.containsValue("tcp :4041 backlog 100"), nat.listening.toString());
        assertEquals(-22, TriggerSocket.bind(nat, "127.0.0.1:http", Path.of("/"), 100));
    }

    @Test
    void aBindFailureIsFatalAndNamesTheAddress() {
        nat.listenResult = -98; // EADDRINUSE
        TriggerSocket.BindFailed e = assertThrows(TriggerSocket.BindFailed.class,
                () -> TriggerSocket.start(nat, "127.0.0.1:4040", Path.of("/"), 100, log));
        assertTrue(e.getMessage().contains("127.0.0.1:4040"), e.getMessage());
        assertTrue(lines().stream().anyMatch(l -> l.startsWith("[emperor] cannot bind the Emperor trigger socket on 127.0.0.1:4040")));
    }

    @Test
    void closeStopsTheWatcherAndClosesTheSocket() throws Exception {
        TriggerSocket t = TriggerSocket.start(nat, "127.0.0.1:4040", Path.of("/"), 100, log);
        int fd = nat.listening.keySet().iterator().next();
        t.close();
        assertTrue(t.isClosed());
        assertTrue(nat.calls.contains("close " + fd));
        assertFalse(lines().stream().anyMatch(l -> l.contains("unrecognized vassal event")));
    }
}
