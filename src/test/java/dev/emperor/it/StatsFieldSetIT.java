package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same emperor.ini, run once under {@code uwsgi --ini} and once under our daemon: the stats documents have
 * the same field set. Top-level keys and blacklist keys are identical (same order); vassal keys are uWSGI's,
 * in uWSGI's order, and ours may additionally carry master's {@code suspended}, {@code adopted}, {@code attrs},
 * and ends with our last-exit keys.
 * Types of the common fields match too. This test always runs both implementations.
 */
@Timeout(120)
class StatsFieldSetIT {

    static final Set<String> OUR_EXTRAS = Set.of("suspended", "adopted", "attrs", "last_exit_code", "last_exit_signal",
            "last_exit");
    /** Ours that must come after every uWSGI key. */
    static final List<String> OUR_TAIL = List.of("last_exit_code", "last_exit_signal", "last_exit");

    @Test
    void sameEmperorIniGivesTheSameStatsFields() throws Exception {
        Path shared = Files.createTempDirectory("emperor-it-fieldset-");
        int statsPort = Ports.free();
        int good = Ports.free();
        int bad = Ports.free();
        try {
            Stats uwsgi = capture(Impl.UWSGI, shared, statsPort, good, bad);
            String iniUwsgi = Files.readString(shared.resolve("emperor.ini"));
            Stats ours = capture(Impl.OURS, shared, statsPort, good, bad);
            assertEquals(iniUwsgi, Files.readString(shared.resolve("emperor.ini")), "the very same emperor.ini");

            assertEquals(uwsgi.topKeys(), ours.topKeys(), "top-level keys and their order");
            assertTypes("top level", uwsgi.root(), ours.root());

            List<String> uv = uwsgi.vassals().get(0).obj().keys();
            List<String> ov = ours.vassals().get(0).obj().keys();
            for (String k : OUR_EXTRAS) assertFalse(uv.contains(k), "uWSGI 2.0.21 has no '" + k + "'");
            List<String> ovWithoutExtras = new ArrayList<>(ov);
            ovWithoutExtras.removeAll(OUR_EXTRAS);
            assertEquals(uv, ovWithoutExtras, "vassal keys (ours minus suspended/adopted/attrs) and their order");
            for (String k : ov) {
                assertTrue(uv.contains(k) || OUR_EXTRAS.contains(k), "unexpected vassal key '" + k + "'");
            }
            assertEquals(OUR_TAIL, ov.subList(ov.size() - OUR_TAIL.size(), ov.size()), "our last-exit keys come last");
            for (Stats.Vassal v : ours.vassals()) {
                assertEquals(ov, v.obj().keys(), "every vassal object has the same keys");
            }
            assertTypes("vassal", uwsgi.vassals().get(0).obj(), ours.vassals().get(0).obj());

            List<String> ub = uwsgi.blacklist().get(0).obj().keys();
            List<String> ob = ours.blacklist().get(0).obj().keys();
            assertEquals(ub, ob, "blacklist keys and their order");
            assertTypes("blacklist", uwsgi.blacklist().get(0).obj(), ours.blacklist().get(0).obj());
        } finally {
            TempEmperor.deleteTree(shared);
        }
    }

    /** Runs one implementation on the shared dir until good.ini is loyal and bad.ini blacklisted. */
    static Stats capture(Impl impl, Path shared, int statsPort, int good, int bad) throws Exception {
        try (TempEmperor e = TempEmperor.prepare("fieldset").impl(impl).root(shared, true).statsPort(statsPort)
                .build()) {
            Vassals.python("good", good).writeTo(e);
            Vassals.exitsAtOnce("bad", bad).writeTo(e);
            e.start();
            e.awaitAnswer(good, "good", TempEmperor.SHORT);
            return e.awaitStats(TempEmperor.SHORT, "good.ini loyal and bad.ini blacklisted", s ->
                    s.vassal("good.ini").filter(v -> v.loyal() && v.accepting()).isPresent()
                    && s.blacklisted("bad.ini").isPresent());
        }
    }

    static void assertTypes(String where, Json.Obj uwsgi, Json.Obj ours) {
        for (String k : uwsgi.keys()) {
            if (ours.has(k)) {
                assertEquals(Json.typeOf(uwsgi.get(k)), Json.typeOf(ours.get(k)), where + " field '" + k + "' type");
            }
        }
    }
}
