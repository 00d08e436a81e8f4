package dev.emperor.pg;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** {@link PgSession}s through pgjdbc, the only class that touches the driver. */
public final class JdbcSessions implements PgSession.Opener {
    /** A dead peer behind a silent network must not hold the query connection beyond the scan bound. */
    static final String QUERY_SOCKET_TIMEOUT = "15";

    private final JdbcTarget target;

    public JdbcSessions(JdbcTarget target) {
        this.target = target;
    }

    @Override
    public PgSession open(boolean forListening) throws SQLException {
        Properties p = new Properties();
        p.putAll(target.properties());
        if (forListening) {
            p.setProperty("tcpKeepAlive", "true");
        } else {
            p.putIfAbsent("socketTimeout", QUERY_SOCKET_TIMEOUT);
        }
        Connection c = new org.postgresql.Driver().connect(target.url(), p);
        if (c == null) {
            throw new SQLException("the JDBC driver does not accept " + target.url());
        }
        c.setAutoCommit(true);
        return new Session(c);
    }

    private static final class Session implements PgSession {
        private final Connection connection;

        Session(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Rows query(String sql, int timeoutSeconds) throws SQLException {
            try (Statement st = connection.createStatement()) {
                st.setQueryTimeout(timeoutSeconds);
                try (ResultSet rs = st.executeQuery(sql)) {
                    int columns = rs.getMetaData().getColumnCount();
                    List<String[]> out = new ArrayList<>();
                    while (rs.next()) {
                        String[] row = new String[Math.max(columns, 6)];
                        for (int i = 0; i < columns; i++) {
                            row[i] = rs.getString(i + 1);
                        }
                        out.add(row);
                    }
                    return new Rows(columns, out);
                }
            }
        }

        @Override
        public void listen(String channel) throws SQLException {
            try (Statement st = connection.createStatement()) {
                st.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
            }
        }

        @Override
        public int awaitNotifications(int millis) throws SQLException {
            PGConnection pg = connection.unwrap(PGConnection.class);
            // pgjdbc reads 0 as "wait forever"; the non-blocking form only takes what already arrived
            PGNotification[] got = millis <= 0 ? pg.getNotifications() : pg.getNotifications(millis);
            if (connection.isClosed()) {
                throw new SQLException("connection closed");
            }
            return got == null ? 0 : got.length;
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing a broken connection: nothing more to do
            }
        }
    }
}
