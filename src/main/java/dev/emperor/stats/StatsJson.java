package dev.emperor.stats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.emperor.core.BlacklistView;
import dev.emperor.core.EmperorSnapshot;
import dev.emperor.core.VassalView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes an {@link EmperorSnapshot} as uWSGI's Emperor stats document (docs/wire-formats.md,
 * "Stats document"): the keys, key order and value types of uWSGI 2.0.21
 * ({@code emperor_send_stats}), 0/1 flags as numbers, the vassal pid signed. Unlike uWSGI every string is properly JSON-escaped (uWSGI
 * prints {@code "%s"} raw), so names with quotes, backslashes or control characters stay valid
 * JSON; non-ASCII is written as UTF-8.
 *
 * <p>{@link Keys#MASTER} (the default) adds uWSGI master's {@code suspended} and {@code adopted}
 * (after {@code on_demand}) and {@code attrs} (after {@code monitor}) to each vassal; {@code attrs}
 * is a JSON object {@code {"k":"v"}}, where uWSGI master emits invalid JSON. {@link Keys#UWSGI_2_0}
 * writes exactly the 2.0.21 key set. {@link Keys#MASTER} also ends each vassal with this daemon's
 * {@code last_exit_code}, {@code last_exit_signal} and {@code last_exit} (docs/logging.md).
 */
public final class StatsJson {

    /** Which vassal keys to write. */
    public enum Keys {
        /** Exactly uWSGI 2.0.21's keys. */
        UWSGI_2_0,
        /** 2.0.21's keys plus master's {@code suspended}, {@code adopted} and {@code attrs} (as an object). */
        MASTER
    }

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private StatsJson() {
    }

    /** The document with {@link Keys#MASTER} keys, tab layout or minified. */
    public static byte[] toBytes(EmperorSnapshot snapshot, boolean minified) {
        return toBytes(snapshot, minified, Keys.MASTER);
    }

    public static byte[] toBytes(EmperorSnapshot snapshot, boolean minified, Keys keys) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + 640 * snapshot.vassals().size());
        try {
            write(snapshot, out, minified, keys);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen with a byte array
        }
        return out.toByteArray();
    }

    /** Writes the document as UTF-8 to {@code out} (not closed). */
    public static void write(EmperorSnapshot s, OutputStream out, boolean minified, Keys keys) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            if (!minified) {
                g.setPrettyPrinter(new UwsgiPrettyPrinter());
            }
            g.writeStartObject();
            string(g, "version", s.version());
            g.writeNumberField("pid", s.pid());
            g.writeNumberField("uid", s.uid());
            g.writeNumberField("gid", s.gid());
            string(g, "cwd", s.cwd());
            g.writeArrayFieldStart("emperor");
            for (String monitor : s.emperor()) {
                g.writeString(clean(monitor));
            }
            g.writeEndArray();
            flag(g, "emperor_tyrant", s.tyrant());
            g.writeNumberField("throttle_level", s.throttleLevel());
            g.writeArrayFieldStart("vassals");
            for (VassalView v : s.vassals()) {
                vassal(g, v, keys);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("blacklist");
            for (BlacklistView b : s.blacklist()) {
                g.writeStartObject();
                string(g, "id", b.id());
                g.writeNumberField("throttle_level", b.throttleLevel());
                g.writeNumberField("attempt", b.attempt());
                g.writeNumberField("first_attempt", b.firstAttempt());
                g.writeNumberField("last_attempt", b.lastAttempt());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (s.loop().upgrades() > 0) {
                // only after an in-place upgrade (docs/upgrade.md): uWSGI's top-level keys stay exactly its own otherwise
                g.writeNumberField("upgrades", s.loop().upgrades());
            }
            g.writeEndObject();
        }
    }

    private static void vassal(JsonGenerator g, VassalView v, Keys keys) throws IOException {
        vassal(g, v, keys, false);
    }

    /**
     * One vassal object: uWSGI's keys, then ours ({@code last_exit_code}, {@code last_exit_signal},
     * {@code last_exit}); {@code withState} also appends {@code state}, {@code throttle_ms}, {@code starts}
     * and {@code deaths} (the {@code /vassals} endpoints).
     */
    static void vassal(JsonGenerator g, VassalView v, Keys keys, boolean withState) throws IOException {
        g.writeStartObject();
        string(g, "id", v.id());
        g.writeNumberField("pid", v.pid());
        g.writeNumberField("born", v.born());
        g.writeNumberField("last_mod", v.lastMod());
        g.writeNumberField("last_heartbeat", v.lastHeartbeat());
        flag(g, "loyal", v.loyal());
        flag(g, "ready", v.ready());
        flag(g, "accepting", v.accepting());
        g.writeNumberField("last_loyal", v.lastLoyal());
        g.writeNumberField("last_ready", v.lastReady());
        g.writeNumberField("last_accepting", v.lastAccepting());
        g.writeNumberField("first_run", v.firstRun());
        g.writeNumberField("last_run", v.lastRun());
        g.writeNumberField("cursed", v.cursed());
        flag(g, "zerg", v.zerg());
        string(g, "on_demand", v.onDemand());
        if (keys == Keys.MASTER) {
            flag(g, "suspended", v.suspended());
            flag(g, "adopted", v.adopted());
        }
        g.writeNumberField("uid", v.uid());
        g.writeNumberField("gid", v.gid());
        string(g, "monitor", v.monitor());
        if (keys == Keys.MASTER) {
            g.writeObjectFieldStart("attrs");
            for (Map.Entry<String, String> attr : v.attrs().entrySet()) {
                string(g, clean(attr.getKey()), attr.getValue());
            }
            g.writeEndObject();
        }
        g.writeNumberField("respawns", v.respawns());
        if (keys == Keys.MASTER) {
            // ours, after every uWSGI key so that parsers of uWSGI's document see it unchanged (docs/logging.md)
            g.writeNumberField("last_exit_code", v.exits().lastExitCode());
            g.writeNumberField("last_exit_signal", v.exits().lastExitSignal());
            g.writeNumberField("last_exit", v.exits().lastExitMillis() / 1000);
        }
        if (withState) {
            string(g, "state", v.state());
            g.writeNumberField("throttle_ms", v.throttleMs());
            g.writeNumberField("starts", v.exits().starts());
            g.writeNumberField("deaths", v.exits().deaths());
        }
        g.writeEndObject();
    }

    private static void flag(JsonGenerator g, String name, boolean value) throws IOException {
        g.writeNumberField(name, value ? 1 : 0);
    }

    private static void string(JsonGenerator g, String name, String value) throws IOException {
        g.writeStringField(name, clean(value));
    }

    /**
     * Null becomes "" and an unpaired UTF-16 surrogate (which UTF-8 cannot encode and Jackson
     * rejects) becomes U+FFFD, so one odd file name can never break the whole document.
     */
    static String clean(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(s.length()).append(s, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }
}
