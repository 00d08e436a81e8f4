package dev.emperor.pg;

/**
 * An {@code emperor = pg://CONNINFO[;QUERY]} value split as {@code emperor_pg} splits it: at the first
 * {@code ;}, everything after it is the query; without one, the default query
 * (docs/uwsgi-compat.md, "pg:// monitor").
 *
 * @param conn  the parsed connection string
 * @param query the SQL run at every scan
 */
public record PgArgument(ConnInfo conn, String query) {
    public static final String SCHEME = "pg://";
    public static final String DEFAULT_QUERY = "SELECT name,config,EXTRACT(epoch FROM ts) FROM vassals";

    /** @throws IllegalArgumentException on a malformed connection string (message free of the password) */
    public static PgArgument parse(String value) {
        if (!value.startsWith(SCHEME)) {
            throw new IllegalArgumentException("not a pg:// monitor: " + value);
        }
        String rest = value.substring(SCHEME.length());
        int semicolon = rest.indexOf(';');
        String conn = semicolon >= 0 ? rest.substring(0, semicolon) : rest;
        String query = semicolon >= 0 ? rest.substring(semicolon + 1) : DEFAULT_QUERY;
        if (query.isBlank()) {
            throw new IllegalArgumentException("empty query after ';' in " + SCHEME + ConnInfo.parse(conn).redacted());
        }
        return new PgArgument(ConnInfo.parse(conn), query);
    }

    /** The monitor as logs, stats, /metrics and /ui show it: the password masked. */
    public String redacted() {
        return SCHEME + conn.redacted() + (query.equals(DEFAULT_QUERY) ? "" : ";" + query);
    }
}
