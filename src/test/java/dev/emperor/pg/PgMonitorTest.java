package dev.emperor.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.FakeUserDatabase;
import dev.emperor.log.Log;
import dev.emperor.source.ScanResult;
import dev.emperor.source.TyrantCheck;
import dev.emperor.source.VassalNames;
import dev.emperor.source.VassalSource;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pg:// monitor over a fake database: rows → config-shaped sources, failures → failed looks, NOTIFY → wake. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PgMonitorTest {
    static final String SECRET = "s3cr3t-pw";

    final List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    final Log log = new Log() {
        public void plain(String line) { logged.add(line); }
        public void verbose(String line) { logged.add(line); }
        public void warn(String line) { logged.add(line); }
        public void error(String line) { logged.add(line); }
        public void debug(String line) { logged.add(line); }
    };

    volatile boolean down;
    volatile List<String[]> rows = List.of();
    volatile int columns = 3;
    final BlockingQueue<Integer> notifications = new LinkedBlockingQueue<>();
    final AtomicInteger listens = new AtomicInteger();

    final PgSession.Opener opener = forListening -> {
        if (down) {
            throw new SQLException("Connection to 127.0.0.1:5432 refused (password " + SECRET + ")", "08001");
        }
        return new PgSession() {
            volatile boolean closed;

            public Rows query(String sql, int timeoutSeconds) throws SQLException {
                if (down) {
                    throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
                }
                return new Rows(columns, rows);
            }

            public void listen(String channel) {
                listens.incrementAndGet();
            }

            public int awaitNotifications(int millis) throws SQLException {
                try {
                    Integer n = notifications.poll(millis, TimeUnit.MILLISECONDS);
                    if (down || closed || (n != null && n < 0)) {
                        throw new SQLException("connection closed", "08006");
                    }
                    return n == null ? 0 : n;
                } catch (InterruptedException e) {
                    throw new SQLException(e);
                }
            }

            public void close() {
                closed = true;
            }
        };
    };

    PgMonitor monitor(TyrantCheck tyrant, String channel) {
        PgArgument arg = PgArgument.parse("pg://host=db user=e password=" + SECRET + ";SELECT * FROM v");
        return new PgMonitor(arg, opener, new VassalNames(List.of()), tyrant, Path.of("/srv"), channel,
                Duration.ofSeconds(1), log);
    }

    static String[] row(String... v) {
        String[] r = new String[6];
        System.arraycopy(v, 0, r, 0, v.length);
        return r;
    }

    @Test
    void rowsBecomeConfigShapedSourcesAndThePasswordIsMasked() {
        PgMonitor m = monitor(null, null);
        rows = List.<String[]>of(row("a.ini", "[uwsgi]\n", "1700000000.5"));
        ScanResult r = m.scan();
        assertTrue(r.ok());
        VassalSource v = r.vassals().get(0);
        assertFalse(v.fileShaped());
        assertNull(v.path());
        assertEquals("[uwsgi]\n", new String(v.config()));
        assertEquals(Path.of("/srv"), v.cwd());
        assertEquals(1_700_000_000_500_000_000L, v.mtimeNanos());
        assertEquals("pg://host=db user=e password=****;SELECT * FROM v", m.argument());
        assertEquals(m.argument(), v.monitor());
        assertTrue(logged.contains("[emperor] enabled emperor PostgreSQL monitor"));
    }

    @Test
    void anUnreachableDatabaseIsAFailedLookWithoutThePassword() {
        PgMonitor m = monitor(null, null);
        down = true;
        ScanResult r = m.scan();
        assertFalse(r.ok(), "a failed look, never an empty list");
        assertTrue(r.error().startsWith("cannot connect: "), r.error());
        assertFalse(r.error().contains(SECRET), r.error());
        down = false;
        rows = List.<String[]>of(row("a.ini", "x", "1"));
        ScanResult held = m.scan(); // within the backoff: still a failed look, and no attempt
        assertFalse(held.ok());
        assertTrue(held.error().contains("next connection attempt in"), held.error());
        logged.forEach(l -> assertFalse(l.contains(SECRET), l));
    }

    @Test
    void afterAFailedLookTheRetryComesWithTheBackoffNotTheNextPoll() throws Exception {
        PgMonitor m = monitor(null, null);
        BlockingQueue<Long> wakes = new LinkedBlockingQueue<>();
        m.wakeUps(() -> wakes.add(System.nanoTime()));
        try {
            down = true;
            long failed = System.nanoTime();
            assertFalse(m.scan().ok());
            Long wake = wakes.poll(5, TimeUnit.SECONDS);
            assertTrue(wake != null, "a retry scan is asked for");
            assertTrue(wake - failed >= 200_000_000L && wake - failed < 1_000_000_000L,
                    "after the first backoff step (250 ms), before the 1 s poll: " + (wake - failed) / 1_000_000 + " ms");
            down = false;
            assertTrue(m.scan().ok(), "the retry connects");
        } finally {
            m.close();
        }
    }

    @Test
    void tyrantJudgesTheRowsIds() {
        PgMonitor m = monitor(new TyrantCheck(false, false, new FakeUserDatabase()), null);
        columns = 5;
        rows = List.<String[]>of(row("ok.ini", "x", "1", "1000", "1000"), row("root.ini", "x", "1", "0", "1000"));
        ScanResult r = m.scan();
        assertNull(r.vassals().get(0).refusal());
        assertEquals(1000, r.vassals().get(0).uid());
        assertEquals("[emperor-tyrant] invalid permissions for vassal root.ini", r.vassals().get(1).refusal());
    }

    @Test
    void aNotifyWakesTheScanAndAReconnectionToo() throws Exception {
        PgMonitor m = monitor(null, "fleet");
        BlockingQueue<Long> wakes = new LinkedBlockingQueue<>();
        m.wakeUps(() -> wakes.add(System.nanoTime()));
        m.wakeUps(() -> wakes.add(-1L)); // idempotent: one listener
        try {
            assertTrue(wakes.poll(5, TimeUnit.SECONDS) != null, "connected: a scan for what was missed");
            notifications.add(1);
            long first = wakes.poll(5, TimeUnit.SECONDS);
            // a burst right after: gathered into one more wake, no sooner than the debounce window
            notifications.add(1);
            notifications.add(1);
            notifications.add(1);
            long second = wakes.poll(5, TimeUnit.SECONDS);
            assertTrue(second - first >= ChannelListener.DEBOUNCE_MILLIS * 1_000_000L, (second - first) + " ns");
            assertNull(wakes.poll(200, TimeUnit.MILLISECONDS), "one wake for the burst");
            assertEquals(1, listens.get());
            notifications.add(-1); // the connection breaks
            assertTrue(logged.stream().anyMatch(l -> l.contains("listening on channel fleet")));
            assertTrue(wakes.poll(5, TimeUnit.SECONDS) != null, "reconnected: a scan");
            assertTrue(listens.get() >= 2);
            assertFalse(wakes.contains(-1L));
        } finally {
            m.close();
        }
    }
}
