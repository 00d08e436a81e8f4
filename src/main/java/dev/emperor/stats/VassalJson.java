package dev.emperor.stats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.emperor.core.EmperorSnapshot;
import dev.emperor.core.VassalView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSON of the {@code /vassals} endpoints, minified: one vassal is the object of uWSGI's
 * {@code vassals[]} (same keys, same order, via {@link StatsJson}) plus {@code state} and
 * {@code throttle_ms}; control answers are {@code {"ok":…,"message":…,"vassal":{…}|null}}.
 */
final class VassalJson {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private VassalJson() {
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] render(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(768);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen with a byte array
        }
        return out.toByteArray();
    }

    /** Every vassal the Emperor knows: uWSGI's listed ones first, then the waiting ones. */
    static List<VassalView> all(EmperorSnapshot s) {
        List<VassalView> all = new ArrayList<>(s.vassals().size() + s.waiting().size());
        all.addAll(s.vassals());
        all.addAll(s.waiting());
        return all;
    }

    /** The vassal named {@code name}, listed or waiting. */
    static Optional<VassalView> find(EmperorSnapshot s, String name) {
        return all(s).stream().filter(v -> v.id().equals(name)).findFirst();
    }

    /** {@code GET /vassals/NAME}. */
    static byte[] vassal(VassalView v) {
        return render(g -> StatsJson.vassal(g, v, StatsJson.Keys.MASTER, true));
    }

    /** {@code GET /vassals}: {@code {"control":BOOL,"vassals":[…]}}, waiting vassals included. */
    static byte[] list(EmperorSnapshot s, boolean control) {
        return render(g -> {
            g.writeStartObject();
            g.writeBooleanField("control", control);
            g.writeArrayFieldStart("vassals");
            for (VassalView v : all(s)) {
                StatsJson.vassal(g, v, StatsJson.Keys.MASTER, true);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** A control answer. */
    static byte[] result(boolean ok, String message, VassalView vassal) {
        return render(g -> {
            g.writeStartObject();
            g.writeBooleanField("ok", ok);
            g.writeStringField("message", StatsJson.clean(message));
            g.writeFieldName("vassal");
            if (vassal == null) {
                g.writeNull();
            } else {
                StatsJson.vassal(g, vassal, StatsJson.Keys.MASTER, true);
            }
            g.writeEndObject();
        });
    }

    /** {@code {"ok":true}}. */
    static byte[] ok() {
        return render(g -> {
            g.writeStartObject();
            g.writeBooleanField("ok", true);
            g.writeEndObject();
        });
    }
}
