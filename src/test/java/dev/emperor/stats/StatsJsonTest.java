package dev.emperor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.emperor.core.BlacklistView;
import dev.emperor.core.EmperorSnapshot;
import dev.emperor.core.VassalView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StatsJsonTest {

    /** spec/emperor-protocol.md §1d "Real sample (Debian 2.0.21, verified)", byte for byte. */
    static final String SAMPLE = "{\n"
            + "\t\"version\":\"2.0.21-debian\",\n"
            + "\t\"pid\":8454,\n"
            + "\t\"uid\":0,\n"
            + "\t\"gid\":0,\n"
            + "\t\"cwd\":\"/srv/demo/e1/vassals\",\n"
            + "\t\"emperor\":[\n"
            + "\"/srv/demo/e1/vassals\"\n"
            + "\t],\n"
            + "\t\"emperor_tyrant\":0,\n"
            + "\t\"throttle_level\":0,\n"
            + "\t\"vassals\":[\n"
            + sampleVassal("app2.ini", 8459) + ",\n"
            + sampleVassal("app1.ini", 8460) + "\n"
            + "\t],\n"
            + "\t\"blacklist\":[\n"
            + "\n"
            + "\t]\n"
            + "}";

    private static String sampleVassal(String id, int pid) {
        return "\t\t{\n"
                + "\t\t\t\"id\":\"" + id + "\",\n"
                + "\t\t\t\"pid\":" + pid + ",\n"
                + "\t\t\t\"born\":1795803115,\n"
                + "\t\t\t\"last_mod\":1795803115,\n"
                + "\t\t\t\"last_heartbeat\":0,\n"
                + "\t\t\t\"loyal\":1,\n"
                + "\t\t\t\"ready\":1,\n"
                + "\t\t\t\"accepting\":1,\n"
                + "\t\t\t\"last_loyal\":1795803119,\n"
                + "\t\t\t\"last_ready\":1795803115,\n"
                + "\t\t\t\"last_accepting\":1795803115,\n"
                + "\t\t\t\"first_run\":1795803115,\n"
                + "\t\t\t\"last_run\":1795803115,\n"
                + "\t\t\t\"cursed\":0,\n"
                + "\t\t\t\"zerg\":0,\n"
                + "\t\t\t\"on_demand\":\"\",\n"
                + "\t\t\t\"uid\":0,\n"
                + "\t\t\t\"gid\":0,\n"
                + "\t\t\t\"monitor\":\"/srv/demo/e1/vassals\",\n"
                + "\t\t\t\"respawns\":0\n"
                + "\t\t}";
    }

    static VassalView vassal(String id, int pid, Map<String, String> attrs) {
        return new VassalView(id, pid, 1795803115L, 1795803115L, 0L, true, true, true,
                1795803119L, 1795803115L, 1795803115L, 1795803115L, 1795803115L, 0L, false, "",
                false, false, 0, 0, "/srv/demo/e1/vassals", attrs, 0L, "RUNNING", 0L);
    }

    static EmperorSnapshot sampleSnapshot() {
        return new EmperorSnapshot("2.0.21-debian", 8454, 0, 0, "/srv/demo/e1/vassals",
                List.of("/srv/demo/e1/vassals"), false, 0L,
                List.of(vassal("app2.ini", 8459, Map.of()), vassal("app1.ini", 8460, Map.of())),
                List.of(), 1795803120000L);
    }

    @Test
    void sampleIsByteIdenticalToUwsgi2021() {
        byte[] doc = StatsJson.toBytes(sampleSnapshot(), false, StatsJson.Keys.UWSGI_2_0);
        assertEquals(SAMPLE, new String(doc, StandardCharsets.UTF_8));
    }

    @Test
    void masterKeysAreInsertedAtUwsgiMasterPositions() {
        String expected = SAMPLE
                .replace("\t\t\t\"on_demand\":\"\",\n",
                        "\t\t\t\"on_demand\":\"\",\n\t\t\t\"suspended\":0,\n\t\t\t\"adopted\":0,\n")
                .replace("\t\t\t\"respawns\":0\n",
                        "\t\t\t\"attrs\":{\n\n\t\t\t},\n\t\t\t\"respawns\":0,\n"
                        + "\t\t\t\"last_exit_code\":-1,\n\t\t\t\"last_exit_signal\":0,\n\t\t\t\"last_exit\":0\n");
        assertEquals(expected, toJson(sampleSnapshot(), false, StatsJson.Keys.MASTER));
        assertEquals(expected, new String(StatsJson.toBytes(sampleSnapshot(), false), StandardCharsets.UTF_8));
    }

    @Test
    void attrsAreAJsonObjectInOrder() throws IOException {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("b", "2");
        attrs.put("a", "x\"y");
        EmperorSnapshot s = new EmperorSnapshot("2.0.21", 1, 0, 0, "/", List.of("/v"), false, 0,
                List.of(vassal("one.ini", 5, attrs)), List.of(), 0);
        String pretty = toJson(s, false, StatsJson.Keys.MASTER);
        assertTrue(pretty.contains("\t\t\t\"attrs\":{\n\t\t\t\t\"b\":\"2\",\n\t\t\t\t\"a\":\"x\\\"y\"\n\t\t\t},\n"), pretty);
        String min = toJson(s, true, StatsJson.Keys.MASTER);
        assertTrue(min.contains("\"monitor\":\"/srv/demo/e1/vassals\",\"attrs\":{\"b\":\"2\",\"a\":\"x\\\"y\"},\"respawns\":0,"
                + "\"last_exit_code\":-1,\"last_exit_signal\":0,\"last_exit\":0}"), min);
        Map<String, Object> parsed = parse(min);
        @SuppressWarnings("unchecked")
        List<Object> vassals = (List<Object>) parsed.get("vassals");
        @SuppressWarnings("unchecked")
        Map<String, Object> v = (Map<String, Object>) vassals.get(0);
        assertEquals(Map.of("b", "2", "a", "x\"y"), v.get("attrs"));
        assertEquals(List.of("b", "a"), new ArrayList<>(((Map<?, ?>) v.get("attrs")).keySet().stream().map(Object::toString).toList()));
        assertFalse(v.containsKey("state"));
        assertFalse(v.containsKey("throttle_ms"));
        assertFalse(v.containsKey("throttleMs"));
    }

    @Test
    void minifiedHasNoWhitespaceAndSameContent() throws IOException {
        EmperorSnapshot s = sampleSnapshot();
        String min = toJson(s, true, StatsJson.Keys.UWSGI_2_0);
        assertFalse(min.contains("\n"));
        assertFalse(min.contains("\t"));
        assertFalse(min.contains(" "));
        String expected = SAMPLE.replace("\n", "").replace("\t", "");
        assertEquals(expected, min);
        assertEquals(parse(SAMPLE), parse(min));
    }

    @Test
    void emptyListsAndBlacklistLayout() throws IOException {
        EmperorSnapshot s = new EmperorSnapshot("2.0.21", 7, 1000, 1000, "/x", List.of(), true, 0,
                List.of(), List.of(new BlacklistView("bad.ini", 2001, 2, 1795804097L, 1795804105L)), 0);
        String doc = toJson(s, false, StatsJson.Keys.MASTER);
        assertEquals("{\n"
                + "\t\"version\":\"2.0.21\",\n"
                + "\t\"pid\":7,\n"
                + "\t\"uid\":1000,\n"
                + "\t\"gid\":1000,\n"
                + "\t\"cwd\":\"/x\",\n"
                + "\t\"emperor\":[\n\n\t],\n"
                + "\t\"emperor_tyrant\":1,\n"
                + "\t\"throttle_level\":0,\n"
                + "\t\"vassals\":[\n\n\t],\n"
                + "\t\"blacklist\":[\n"
                + "\t\t{\n"
                + "\t\t\t\"id\":\"bad.ini\",\n"
                + "\t\t\t\"throttle_level\":2001,\n"
                + "\t\t\t\"attempt\":2,\n"
                + "\t\t\t\"first_attempt\":1795804097,\n"
                + "\t\t\t\"last_attempt\":1795804105\n"
                + "\t\t}\n"
                + "\t]\n"
                + "}", doc);
        assertEquals("{\"version\":\"2.0.21\",\"pid\":7,\"uid\":1000,\"gid\":1000,\"cwd\":\"/x\",\"emperor\":[],"
                + "\"emperor_tyrant\":1,\"throttle_level\":0,\"vassals\":[],\"blacklist\":[{\"id\":\"bad.ini\","
                + "\"throttle_level\":2001,\"attempt\":2,\"first_attempt\":1795804097,\"last_attempt\":1795804105}]}",
                toJson(s, true, StatsJson.Keys.MASTER));
    }

    @Test
    void sleepingOnDemandVassalHasSignedPid() throws IOException {
        VassalView v = new VassalView("od.ini", -1, 1, 1, 0, false, false, false, 0, 0, 0, 1, 1, 0, true,
                "/srv/demo/e24/od.sock", true, true, 33, 44, "/srv", Map.of(), 3, "ON_DEMAND", 0);
        EmperorSnapshot s = new EmperorSnapshot("2.0.21", 1, 0, 0, "/", List.of("/srv"), false, 0,
                List.of(v), List.of(), 0);
        String doc = toJson(s, false, StatsJson.Keys.MASTER);
        assertTrue(doc.contains("\t\t\t\"pid\":-1,\n"), doc);
        assertTrue(doc.contains("\"zerg\":1,\n\t\t\t\"on_demand\":\"/srv/demo/e24/od.sock\",\n"
                + "\t\t\t\"suspended\":1,\n\t\t\t\"adopted\":1,\n\t\t\t\"uid\":33,\n\t\t\t\"gid\":44,\n"), doc);
        assertTrue(doc.contains("\"respawns\":3,\n"), doc);
    }

    @Test
    void lastExitComesAfterEveryUwsgiKey() throws IOException {
        VassalView v = new VassalView("crashy.ini", 9, 1, 1, 0, false, false, false, 0, 0, 0, 1, 1, 0, false, "",
                false, false, 33, 44, "/srv", Map.of(), 0, "running", 0,
                new dev.emperor.core.VassalExits(3, 2, 1, 22, 0, 1_795_803_190_900L));
        EmperorSnapshot s = new EmperorSnapshot("2.0.21", 1, 0, 0, "/", List.of("/srv"), false, 0, List.of(v), List.of(), 0);
        String doc = toJson(s, true, StatsJson.Keys.MASTER);
        assertTrue(doc.endsWith("\"respawns\":0,\"last_exit_code\":22,\"last_exit_signal\":0,\"last_exit\":1795803190}],"
                + "\"blacklist\":[]}"), doc);
        assertFalse(toJson(s, true, StatsJson.Keys.UWSGI_2_0).contains("last_exit"), "exactly 2.0.21's keys");
        assertEquals(parse(doc).keySet(), parse(toJson(s, false, StatsJson.Keys.MASTER)).keySet());
        String one = new String(VassalJson.vassal(v), StandardCharsets.UTF_8);
        assertTrue(one.endsWith("\"last_exit\":1795803190,\"state\":\"running\",\"throttle_ms\":0,\"starts\":3,"
                + "\"deaths\":2}"), one);
    }

    @Test
    void hostileStringsAreEscapedAndParseBack() throws IOException {
        String[] names = {
            "q\"uote.ini", "back\\slash.ini", "tab\there", "nl\nline", "cr\rret", "nul\u0000x", "bell\u0007",
            "del\u007f", "caf\u00e9.ini", "\u65e5\u672c.ini", "emoji\uD83D\uDE00.ini", "</script>", "\u2028sep",
        };
        List<VassalView> vassals = new ArrayList<>();
        Map<String, String> attrs = new LinkedHashMap<>();
        for (String n : names) {
            vassals.add(vassal(n, 1, Map.of(n, n)));
            attrs.put(n, n);
        }
        EmperorSnapshot s = new EmperorSnapshot("2.0.21\"", 1, 0, 0, "/cwd\\\"\n",
                List.of(names), false, 0, vassals, List.of(new BlacklistView("b\"\\\u0001", 1, 0, 0, 0)), 0);
        for (boolean minified : new boolean[] {false, true}) {
            byte[] doc = StatsJson.toBytes(s, minified);
            Map<String, Object> parsed = parse(new String(doc, StandardCharsets.UTF_8));
            assertEquals("2.0.21\"", parsed.get("version"));
            assertEquals("/cwd\\\"\n", parsed.get("cwd"));
            assertEquals(List.of(names), parsed.get("emperor"));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> parsedVassals = (List<Map<String, Object>>) (List<?>) parsed.get("vassals");
            for (int i = 0; i < names.length; i++) {
                assertEquals(names[i], parsedVassals.get(i).get("id"));
                assertEquals(Map.of(names[i], names[i]), parsedVassals.get(i).get("attrs"));
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> bl = (List<Map<String, Object>>) (List<?>) parsed.get("blacklist");
            assertEquals("b\"\\\u0001", bl.get(0).get("id"));
            // raw control characters never reach the output (only the layout's \n and \t)
            for (byte b : doc) {
                assertTrue(b >= 0x20 || b == '\n' || b == '\t' || b < 0, "raw control byte " + b);
                if (minified) {
                    assertTrue(b != '\n' && b != '\t');
                }
            }
        }
    }

    @Test
    void loneSurrogatesBecomeReplacementCharacters() throws IOException {
        EmperorSnapshot s = new EmperorSnapshot("v", 1, 0, 0, "a\uD800b", List.of("\uDC00"), false, 0,
                List.of(vassal("x\uD83D", 1, Map.of())), List.of(), 0);
        Map<String, Object> parsed = parse(toJson(s, false, StatsJson.Keys.MASTER));
        assertEquals("a\uFFFDb", parsed.get("cwd"));
        assertEquals(List.of("\uFFFD"), parsed.get("emperor"));
        assertEquals("ok", StatsJson.clean("ok"));
        assertEquals("", StatsJson.clean(null));
        assertEquals("\uD83D\uDE00", StatsJson.clean("\uD83D\uDE00"));
        assertEquals("\uFFFD\uD83D\uDE00\uFFFD", StatsJson.clean("\uDE00\uD83D\uDE00\uD83D"));
    }

    @Test
    void typesAreNumbersNotStrings() throws IOException {
        try (JsonParser p = new JsonFactory().createParser(StatsJson.toBytes(sampleSnapshot(), false))) {
            int numbers = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    boolean stringKey = List.of("version", "cwd", "id", "on_demand", "monitor").contains(name);
                    boolean container = value == JsonToken.START_ARRAY || value == JsonToken.START_OBJECT;
                    if (!container) {
                        assertEquals(stringKey ? JsonToken.VALUE_STRING : JsonToken.VALUE_NUMBER_INT, value, name);
                        numbers += stringKey ? 0 : 1;
                    }
                }
            }
            assertTrue(numbers > 30);
            assertNull(p.nextToken());
        }
    }

    /** A small Jackson-streaming reader: objects → LinkedHashMap, arrays → List, scalars → String/Long. */
    /** The document as the server sends it, decoded. */
    static String toJson(EmperorSnapshot snapshot, boolean minified, StatsJson.Keys keys) {
        return new String(StatsJson.toBytes(snapshot, minified, keys), StandardCharsets.UTF_8);
    }

    static Map<String, Object> parse(String json) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            @SuppressWarnings("unchecked")
            Map<String, Object> root = (Map<String, Object>) read(p);
            assertNull(p.nextToken(), "trailing content");
            return root;
        }
    }

    private static Object read(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, read(p));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            default:
                throw new IOException("unexpected " + p.currentToken());
        }
    }
}
