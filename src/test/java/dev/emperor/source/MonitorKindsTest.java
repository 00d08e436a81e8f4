package dev.emperor.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one registry of monitor kinds: what is accepted, refused with which reason, listed, and built. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MonitorKindsTest {
    static final MonitorContext CONTEXT = new MonitorContext(Path.of("/"), new VassalNames(List.of()), false, List.of(), null, null);

    @Test
    void plainPathsDirAndGlobAreAcceptedOthersRefusedWithTheirReason() {
        MonitorKinds k = MonitorKinds.declared();
        assertNull(k.refusal("/etc/uwsgi/vassals"));
        assertNull(k.refusal("dir:///srv"));
        assertNull(k.refusal("glob:///srv/*.ini"));
        assertNull(k.refusal("pg://dbname=x"));
        assertEquals("imperial monitor 'foo://' is not supported yet (only directories, globs and pg://, zmq://)", k.refusal("foo://x"));
        assertTrue(k.refusal("amqp://h").contains("use-after-free"), k.refusal("amqp://h"));
        assertNull(k.refusal("zmq://tcp://h:1"));
        assertTrue(k.refusal("mongodb://h").contains("not packaged"));
    }

    @Test
    void schemeOfAValue() {
        assertEquals("pg", MonitorKinds.schemeOf("pg://host=x;SELECT 1"));
        assertEquals(MonitorKinds.NO_SCHEME, MonitorKinds.schemeOf("/srv/vassals"));
        assertEquals(MonitorKinds.NO_SCHEME, MonitorKinds.schemeOf("vassals/*.ini"));
    }

    @Test
    void imperialMonitorListPrintsTheAvailableKindsAsUwsgi() {
        assertEquals(List.of("pg", "zmq", "dir", "glob"), MonitorKinds.declared().listed());
    }

    @Test
    void factoriesAreBoundOnlyToAvailableKindsAndEveryAvailableKindNeedsOne() {
        Monitor m = new Monitor() {
            public String argument() {
                return "x";
            }

            public ScanResult scan() {
                return ScanResult.failed("x", "never");
            }
        };
        assertThrows(IllegalStateException.class, () -> MonitorKinds.declared().bind("amqp", (v, c) -> m));
        assertThrows(IllegalStateException.class, () -> MonitorKinds.declared().bind("nosuch", (v, c) -> m));
        assertThrows(IllegalStateException.class, () -> MonitorKinds.declared().bind("dir", (v, c) -> m).complete());
        assertThrows(IllegalStateException.class, () -> MonitorKinds.declared().bind(MonitorKinds.NO_SCHEME, (v, c) -> m)
                .bind("dir", (v, c) -> m).bind("glob", (v, c) -> m).complete(), "pg and zmq are available: they need their factories");
        MonitorKinds k = MonitorKinds.declared().bind(MonitorKinds.NO_SCHEME, (v, c) -> m).bind("dir", (v, c) -> m)
                .bind("glob", (v, c) -> m).bind("pg", (v, c) -> m).bind("zmq", (v, c) -> m).complete();
        assertSame(m, k.create("dir:///x", CONTEXT));
        assertSame(m, k.create("pg://x", CONTEXT));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.create("amqp://x", CONTEXT));
        assertTrue(e.getMessage().startsWith("imperial monitor 'amqp://' is not supported yet (only directories, globs and pg://, zmq://)"),
                e.getMessage());
    }
}
