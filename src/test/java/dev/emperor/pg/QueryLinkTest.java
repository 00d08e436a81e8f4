package dev.emperor.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class QueryLinkTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ConnInfo conn = ConnInfo.parse("host=h password=hunter2");
    private boolean down;
    private int opened;
    private final List<String> failNext = new ArrayList<>();

    private final PgSession.Opener opener = forListening -> {
        if (down) {
            throw new SQLException("connection to h refused (password hunter2)", "08001");
        }
        opened++;
        return new PgSession() {
            @Override
            public Rows query(String sql, int timeoutSeconds) throws SQLException {
                if (!failNext.isEmpty()) {
                    String state = failNext.remove(0);
                    throw new SQLException("boom " + state, state);
                }
                return new Rows(3, List.<String[]>of(new String[] {"a.ini", "x", "1"}));
            }

            @Override
            public void listen(String channel) {
            }

            @Override
            public int awaitNotifications(int millis) {
                return 0;
            }

            @Override
            public void close() {
            }
        };
    };

    private final QueryLink link = new QueryLink(opener, conn, now::get, 250_000_000L, 1_000_000_000L);

    @Test
    void oneConnectionForManyScans() throws Exception {
        link.query("q");
        link.query("q");
        link.query("q");
        assertEquals(1, opened);
    }

    @Test
    void outageBacksOffUpToThePollIntervalAndNeverShowsThePassword() throws Exception {
        down = true;
        QueryLink.Unavailable first = assertThrows(QueryLink.Unavailable.class, () -> link.query("q"));
        assertFalse(first.getMessage().contains("hunter2"), first.getMessage());
        assertTrue(first.getMessage().contains("****"), first.getMessage());
        down = false;
        QueryLink.Unavailable held = assertThrows(QueryLink.Unavailable.class, () -> link.query("q"));
        assertTrue(held.getMessage().contains("next connection attempt in"), held.getMessage());
        now.addAndGet(250_000_000L);
        link.query("q");
        assertEquals(1, opened);
        // doubling, capped at the cap: after many failures the next attempt is at most 1 s away
        down = true;
        failNext.add("08006"); // the server goes away under the open connection
        for (int i = 0; i < 10; i++) {
            now.addAndGet(1_000_000_000L);
            assertThrows(QueryLink.Unavailable.class, () -> link.query("q"));
        }
        down = false;
        now.addAndGet(1_000_000_000L);
        link.query("q");
    }

    @Test
    void aBrokenConnectionIsReopenedAStatementTimeoutKeepsIt() throws Exception {
        link.query("q");
        failNext.add("57014");
        QueryLink.Unavailable slow = assertThrows(QueryLink.Unavailable.class, () -> link.query("q"));
        assertTrue(slow.getMessage().contains("statement timeout"), slow.getMessage());
        assertTrue(link.connected());
        failNext.add("08006");
        assertThrows(QueryLink.Unavailable.class, () -> link.query("q"));
        assertFalse(link.connected());
        now.addAndGet(250_000_000L);
        link.query("q");
        assertEquals(2, opened);
    }
}
