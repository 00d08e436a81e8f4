package dev.emperor.regression;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.emperor.core.EmperorSnapshot;
import dev.emperor.core.VassalView;
import dev.emperor.stats.StatsJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * uWSGI BUG (protocol §1d): stats strings are printed with {@code "%s"}, so a vassal named
 * {@code a"b\c.ini} or a cwd with a control character makes the whole document invalid JSON;
 * master's {@code attrs} is invalid whenever a vassal has one. Here every string is escaped and
 * attrs is an object: a strict parser reads the document back.
 */
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class UnescapedStatsStringsBugTest {

    @Test
    void hostileNamesAndAttrsStillGiveValidJson() throws Exception {
        String name = "a\"b\\c\u0001\ttab ünï.ini";
        VassalView v = new VassalView(name, 42, 1, 1, 0, true, true, true, 1, 1, 1, 1, 1, 0, false, "", false, true,
                0, 0, "/srv/\"v\"", Map.of("fork-server", "/run/\"x\".sock"), 0, "running", 0);
        EmperorSnapshot s = new EmperorSnapshot("0.1.0-emperor", 1, 0, 0, "/cwd\nwith newline", List.of("/srv/\"v\""),
                false, 0, List.of(v), List.of(), 0);
        List<String> strings = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(StatsJson.toBytes(s, false))) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.VALUE_STRING) {
                    strings.add(p.getText());
                }
            }
        }
        assertEquals(true, strings.contains(name));
        assertEquals(true, strings.contains("/cwd\nwith newline"));
        assertEquals(true, strings.contains("/run/\"x\".sock"));
    }
}
