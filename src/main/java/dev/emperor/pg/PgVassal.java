package dev.emperor.pg;

/**
 * One row of the monitor's query, read as {@code emperor_pg} reads it (docs/uwsgi-compat.md, "pg:// monitor").
 *
 * @param name   column 1, a valid vassal name
 * @param config column 2, the config text (never null here: a NULL config is refused before)
 * @param tsNanos column 3 in nanoseconds: emperor_pg reads whole seconds (digits before the first '.'), we keep
 *               the fraction too, so a second change within one second still reloads; only a larger value reloads
 * @param uid    column 4 in Tyrant mode, else -1
 * @param gid    column 5 in Tyrant mode, else -1
 * @param socket column 6: the on-demand socket, null when absent, NULL or empty (a normal vassal)
 */
public record PgVassal(String name, byte[] config, long tsNanos, int uid, int gid, String socket) {
}
