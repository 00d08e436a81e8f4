package dev.emperor.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.source.VassalNames;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PgRowsTest {
    private final PgRows plain = new PgRows(new VassalNames(List.of()), false);
    private final PgRows tyrant = new PgRows(new VassalNames(List.of()), true);

    private static String[] row(String... v) {
        String[] r = new String[6];
        System.arraycopy(v, 0, r, 0, v.length);
        return r;
    }

    @Test
    void columnsByPositionAndTimestampText() {
        PgRows.Answer a = plain.read(3, List.<String[]>of(row("a.ini", "[uwsgi]\n", "1700000000.25")));
        PgVassal v = a.vassals().get(0);
        assertEquals("a.ini", v.name());
        assertEquals("[uwsgi]\n", new String(v.config()));
        assertEquals(1_700_000_000_250_000_000L, v.tsNanos());
        assertEquals(-1, v.uid());
        assertNull(v.socket());
    }

    @Test
    void fewerThanThreeColumnsIsNoAnswer() {
        PgRows.Answer a = plain.read(2, List.<String[]>of(row("a.ini", "x")));
        assertNotNull(a.error());
        assertTrue(a.vassals().isEmpty());
    }

    @Test
    void badNamesSkippedDuplicatesUseTheFirstRow() {
        PgRows.Answer a = plain.read(3, List.<String[]>of(row("a.txt", "x", "1"), row(null, "x", "1"), row("b.ini", "first", "1"),
                row("b.ini", "second", "2")));
        assertEquals(1, a.vassals().size());
        assertEquals("first", new String(a.vassals().get(0).config()));
        assertEquals(3, a.skipped().size());
        assertTrue(a.skipped().get(2).reason().contains("duplicate"), a.skipped().toString());
    }

    @Test
    void nullEmptyAndOversizedConfigsKeepTheVassalAsItIs() {
        String big = "x".repeat(10 * 1024 * 1024);
        PgRows.Answer a = plain.read(3, List.<String[]>of(row("n.ini", null, "1"), row("e.ini", "", "1"), row("big.ini", big, "1")));
        assertTrue(a.vassals().isEmpty());
        assertEquals(List.of("n.ini", "e.ini", "big.ini"), a.kept().stream().map(k -> k.name()).toList());
        assertTrue(a.kept().get(0).reason().contains("NULL"));
        assertTrue(a.kept().get(2).reason().contains("10485760 bytes"), a.kept().get(2).reason());
    }

    @Test
    void tyrantNeedsUidAndGidColumns() {
        PgRows.Answer missing = tyrant.read(3, List.<String[]>of(row("a.ini", "x", "1")));
        assertEquals("[emperor-pg] missing uid and gid for vassal a.ini", missing.skipped().get(0).reason());
        PgRows.Answer given = tyrant.read(5, List.<String[]>of(row("a.ini", "x", "1", "1000", "1001"), row("z.ini", "x", "1", null, "x")));
        assertEquals(1000, given.vassals().get(0).uid());
        assertEquals(1001, given.vassals().get(0).gid());
        assertEquals(0, given.vassals().get(1).uid(), "NULL is 0 as uwsgi_str_num reads it, which Tyrant refuses");
    }

    @Test
    void socketColumnEmptyMeansANormalVassal() {
        PgRows.Answer a = plain.read(6, List.<String[]>of(row("a.ini", "x", "1", null, null, ""), row("b.ini", "x", "1", null, null, "/run/b.sock")));
        assertNull(a.vassals().get(0).socket(), "emperor_pg passes \"\" and the bind fails; a normal vassal here");
        assertEquals("/run/b.sock", a.vassals().get(1).socket());
    }

    @Test
    void timestampText() {
        assertEquals(0, PgRows.nanos(null));
        assertEquals(0, PgRows.nanos("abc"));
        assertEquals(5_000_000_000L, PgRows.nanos("5"));
        assertEquals(5_000_001_000L, PgRows.nanos("5.000001"));
    }
}
