package dev.emperor.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandOverJsonTest {

    private static HandOver sample() {
        HandOver.VassalEntry app = new HandOver.VassalEntry("app.ini", "/etc/uwsgi/vassals", "RUNNING",
                Map.of("pipe", 17, "config", 18), Map.of("pid", 4242L, "respawns", 3L, "spawn_at", 123_456_789_000L),
                Map.of("loyal", true, "adopted", false), Map.of("stop_reason", "NONE", "path", "/etc/uwsgi/vassals/app.ini"));
        HandOver.VassalEntry sleeper = new HandOver.VassalEntry("odd \"name\"\n.ini", "glob", "ON_DEMAND",
                Map.of("listen", 21), Map.of(), Map.of(), Map.of("socket", "127.0.0.1:9000"));
        return new HandOver(HandOver.FORMAT, "1.4.0", 2, 987_654_321L, Map.of("stats", 5, "command", 6),
                Map.of("spawns", 10L), List.of(app, sleeper),
                List.of(new HandOver.BlacklistEntry("bad.ini", 2_000_000, 3, 111, 222, false, true)));
    }

    @Test
    void whatIsWrittenIsReadBack() throws Exception {
        HandOver h = sample();
        assertEquals(h, HandOverJson.read(HandOverJson.write(h)));
    }

    @Test
    void unknownKeysAreSkippedAndMissingOnesTakeDefaults() throws Exception {
        String doc = "{\"format\":1,\"future_field\":{\"a\":[1,2,{\"b\":null}]},\"vassals\":[{\"name\":\"a.ini\","
                + "\"state\":\"RUNNING\",\"numbers\":{\"pid\":7},\"new_map\":{\"x\":1}}]}";
        HandOver h = HandOverJson.read(doc.getBytes(StandardCharsets.UTF_8));
        assertEquals(1, h.vassals().size());
        assertEquals(7, h.vassals().get(0).number("pid", -1));
        assertEquals(-1, h.vassals().get(0).fd("pipe"));
        assertEquals(0, h.upgrades());
    }

    @Test
    void aFormatThisBuildDoesNotKnowIsRefusedByNumber() {
        HandOverException e = assertThrows(HandOverException.class,
                () -> HandOverJson.read("{\"format\":2,\"vassals\":[]}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("state document format 2 is not known to this build (it reads 1)", e.getMessage());
        assertThrows(HandOverException.class, () -> HandOverJson.read("{\"vassals\":[]}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aCorruptDocumentIsRefusedWhole() {
        byte[] good = HandOverJson.write(sample());
        for (int cut : new int[] {0, 1, good.length / 3, good.length / 2, good.length - 1}) {
            byte[] part = java.util.Arrays.copyOf(good, cut);
            assertThrows(HandOverException.class, () -> HandOverJson.read(part), "cut at " + cut);
        }
        byte[] flipped = good.clone();
        flipped[good.length / 2] = (byte) 0xFF;
        assertThrows(HandOverException.class, () -> HandOverJson.read(flipped));
        HandOverException wrongType = assertThrows(HandOverException.class, () -> HandOverJson.read(
                "{\"format\":1,\"vassals\":[{\"name\":\"a\",\"state\":\"RUNNING\",\"numbers\":{\"pid\":\"7\"}}]}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertTrue(wrongType.getMessage().contains("'pid'"), wrongType.getMessage());
        assertThrows(HandOverException.class, () -> HandOverJson.read("{\"format\":1} {}".getBytes(StandardCharsets.UTF_8)));
    }
}
