package dev.emperor.pg;

import java.sql.SQLException;
import java.util.function.LongSupplier;

/**
 * The monitor's one long-lived query connection (uWSGI's emperor_pg opens one per scan): opened on first use,
 * kept while it works, dropped on any error and reopened no sooner than its {@link Backoff} allows.
 * Used from the monitor's scan thread only.
 */
final class QueryLink implements AutoCloseable {
    /** The server cancels a query running longer than this (a slow query is a failed look, not a hung scan). */
    static final int STATEMENT_TIMEOUT_SECONDS = 5;

    private final PgSession.Opener opener;
    private final LongSupplier nanos;
    private final Backoff backoff;
    private final ConnInfo conn;
    private PgSession session;
    private String lastError;

    QueryLink(PgSession.Opener opener, ConnInfo conn, LongSupplier nanos, long firstRetryNanos, long capNanos) {
        this.opener = opener;
        this.conn = conn;
        this.nanos = nanos;
        this.backoff = new Backoff(firstRetryNanos, capNanos);
    }

    /** @throws Unavailable with a password-free reason when the rows cannot be had now */
    PgSession.Rows query(String sql) throws Unavailable {
        long now = nanos.getAsLong();
        if (session == null) {
            if (!backoff.mayTry(now)) {
                throw new Unavailable(lastError + " (next connection attempt in "
                        + Math.max(1, backoff.nanosLeft(now) / 1_000_000) + " ms)");
            }
            try {
                session = opener.open(false);
            } catch (SQLException | RuntimeException e) {
                if (e instanceof SQLException s && "57P03".equals(s.getSQLState())) {
                    backoff.succeeded(); // "the database system is starting up": it will accept in a moment
                }
                backoff.failed(now);
                lastError = "cannot connect: " + reason(e);
                throw new Unavailable(lastError);
            }
        }
        try {
            PgSession.Rows rows = session.query(sql, STATEMENT_TIMEOUT_SECONDS);
            backoff.succeeded();
            return rows;
        } catch (SQLException | RuntimeException e) {
            lastError = "query failed: " + reason(e);
            boolean cancelled = e instanceof SQLException s && "57014".equals(s.getSQLState());
            if (!cancelled || !alive()) {
                // the connection may be broken half-way through a message: start afresh
                session.close();
                session = null;
                backoff.failed(now);
            }
            throw new Unavailable(lastError);
        }
    }

    private boolean alive() {
        try {
            session.query("SELECT 1", STATEMENT_TIMEOUT_SECONDS);
            return true;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** Nanoseconds until a reconnection may be tried (0: now, or connected). */
    long nanosUntilRetry() {
        return session != null ? 0 : backoff.nanosLeft(nanos.getAsLong());
    }

    boolean connected() {
        return session != null;
    }

    String reason(Exception e) {
        String m = e.getMessage();
        if (e instanceof SQLException s && "57014".equals(s.getSQLState())) {
            m = "statement timeout (" + STATEMENT_TIMEOUT_SECONDS + " s): " + m;
        }
        return conn.scrub(m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ').strip());
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    /** The database could not answer: a failed look, never an absence. */
    static final class Unavailable extends Exception {
        Unavailable(String reason) {
            super(reason);
        }
    }
}
