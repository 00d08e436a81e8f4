package dev.emperor.pg;

/**
 * One row of the monitor's query, read as {@code emperor_pg} reads it (docs/uwsgi-compat.md, "pg:// monitor").
 *
 * @param name   column 1, a valid vassal name
 * @param config column 2, the config text (never null here: a NULL config is refused before)
 * @param ts     column 3, whole seconds (digits before the first '.'); only a larger value reloads
 * @param uid    column 4 in Tyrant mode, else -1
 * @param gid    column 5 in Tyrant mode, else -1
 * @param socket column 6: the on-demand socket, null when absent, NULL or empty (a normal vassal)
 */
public record PgVassal(String name, byte[] config, long ts, int uid, int gid, String socket) {
}
