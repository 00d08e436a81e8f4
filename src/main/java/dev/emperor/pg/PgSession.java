package dev.emperor.pg;

import java.sql.SQLException;
import java.util.List;

/** One open connection to the database, the seam between the monitor and pgjdbc (tests fake it). */
public interface PgSession extends AutoCloseable {

    /** Runs the query; the server cancels it after {@code timeoutSeconds}. */
    Rows query(String sql, int timeoutSeconds) throws SQLException;

    /** {@code LISTEN channel} (the name quoted as an identifier). */
    void listen(String channel) throws SQLException;

    /**
     * Waits up to {@code millis} (0: only what already arrived) for notifications.
     *
     * @return how many arrived
     * @throws SQLException when the connection is gone
     */
    int awaitNotifications(int millis) throws SQLException;

    @Override
    void close();

    /** A result set read whole: the column count and the values as text, SQL NULL as null. */
    record Rows(int columns, List<String[]> values) {
    }

    /** Opens sessions (pgjdbc's DriverManager in the daemon). */
    interface Opener {
        PgSession open(boolean forListening) throws SQLException;
    }
}
