package dev.emperor.pg;

import dev.emperor.source.LookFailed;
import dev.emperor.source.Skipped;
import dev.emperor.source.VassalNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The query's result set turned into vassals, by column position as {@code emperor_pg} does
 * (docs/uwsgi-compat.md, "pg:// monitor"), with its silent failures made into log lines:
 * a row that still names a vassal but cannot be used now (NULL or oversized config) keeps that vassal as it
 * is ({@link LookFailed}); a row that can never be a vassal (bad name, Tyrant without uid/gid) is skipped;
 * a name listed twice uses its first row.
 */
public final class PgRows {
    /** A config-pipe packet carries a 16-bit size (docs/wire-formats.md): a larger config cannot reach the vassal. */
    public static final int MAX_CONFIG = 0xFFFF;

    private final VassalNames names;
    private final boolean tyrant;

    public PgRows(VassalNames names, boolean tyrant) {
        this.names = names;
        this.tyrant = tyrant;
    }

    /**
     * @param columns how many columns the result has
     * @param rows    the values, column by column, SQL NULL as null
     */
    public Answer read(int columns, List<String[]> rows) {
        if (columns < 3) {
            // emperor_pg ignores every row and then stops all of its vassals as absent: a wrong query is no answer
            return Answer.failed("the query returns " + columns + " column" + (columns == 1 ? "" : "s")
                    + ", at least 3 are needed (name, config, ts)");
        }
        List<PgVassal> vassals = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<LookFailed> kept = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int rowNo = 0;
        for (String[] row : rows) {
            rowNo++;
            String name = row[0];
            if (name == null || name.isEmpty()) {
                skipped.add(new Skipped("(row " + rowNo + ")", "the name is NULL or empty"));
                continue;
            }
            if (!names.hasVassalExtension(name) || names.tooLong(name)) {
                skipped.add(new Skipped(name, names.tooLong(name) ? "the name is longer than 254 bytes"
                        : "the name has no vassal extension (.ini, .xml, .yml, .yaml, .js, .json or emperor-extra-extension)"));
                continue;
            }
            if (!seen.add(name)) {
                skipped.add(new Skipped(name, "duplicate name in the query result (row " + rowNo + "), the first row is used"));
                continue;
            }
            int uid = -1;
            int gid = -1;
            if (tyrant) {
                if (columns < 5) {
                    skipped.add(new Skipped(name, "[emperor-pg] missing uid and gid for vassal " + name));
                    continue;
                }
                uid = number(row[3]);
                gid = number(row[4]);
            }
            if (row[1] == null || row[1].isEmpty()) {
                // emperor_pg hands libpq's "" for NULL to the vassal, which then has no config at all
                kept.add(new LookFailed(name, "its config is " + (row[1] == null ? "NULL" : "empty"), 0));
                continue;
            }
            byte[] config = row[1].getBytes(StandardCharsets.UTF_8);
            if (config.length > MAX_CONFIG) {
                kept.add(new LookFailed(name, "its config has " + config.length + " bytes, more than the "
                        + MAX_CONFIG + " a config-pipe packet carries", 0));
                continue;
            }
            String socket = columns > 5 && row[5] != null && !row[5].isEmpty() ? row[5] : null;
            vassals.add(new PgVassal(name, config, nanos(row[2]), uid, gid, socket));
        }
        return new Answer(null, vassals, skipped, kept);
    }

    /**
     * The ts column in nanoseconds: emperor_pg uses the digits before the first '.' ("1700000000.25" → 1700000000 s);
     * we keep the fraction (as for file mtimes). NULL or text that is no number → 0.
     */
    static long nanos(String ts) {
        if (ts == null || ts.isBlank()) {
            return 0;
        }
        try {
            return new java.math.BigDecimal(ts.strip()).movePointRight(9).setScale(0, java.math.RoundingMode.FLOOR)
                    .longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            return 0;
        }
    }

    /** uwsgi_str_num: NULL, text or a negative number → 0, which Tyrant mode then refuses. */
    static int number(String v) {
        if (v == null) {
            return 0;
        }
        try {
            long n = Long.parseLong(v.strip());
            return n < 0 || n > Integer.MAX_VALUE ? 0 : (int) n;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * @param error   why the result says nothing (then the other lists are empty), null when usable
     * @param kept    names listed but not usable now: their vassals stay as they are
     */
    public record Answer(String error, List<PgVassal> vassals, List<Skipped> skipped, List<LookFailed> kept) {
        static Answer failed(String why) {
            return new Answer(why, List.of(), List.of(), List.of());
        }
    }
}
