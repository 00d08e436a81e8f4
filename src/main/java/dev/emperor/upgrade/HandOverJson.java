package dev.emperor.upgrade;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state document as JSON (docs/upgrade.md, "The state document"): one object, written once by
 * the old process and read once by the new one. Reading is strict about structure and types (a
 * document that does not parse completely is refused whole: half a state is worse than none) and
 * lenient about keys (unknown ones are skipped).
 */
public final class HandOverJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(1 << 20).maxNestingDepth(8).build())
            .build();

    private HandOverJson() {
    }

    public static byte[] write(HandOver h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096 + 512 * h.vassals().size());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("format", h.format());
            g.writeStringField("from_version", h.fromVersion());
            g.writeNumberField("upgrades", h.upgrades());
            g.writeNumberField("written_at", h.writtenAt());
            writeMap(g, "listeners", h.listeners(), v -> g.writeNumber(v.intValue()));
            writeMap(g, "counters", h.counters(), v -> g.writeNumber(v.longValue()));
            g.writeArrayFieldStart("vassals");
            for (HandOver.VassalEntry v : h.vassals()) {
                g.writeStartObject();
                g.writeStringField("name", v.name());
                g.writeStringField("monitor", v.monitor());
                g.writeStringField("state", v.state());
                writeMap(g, "fds", v.fds(), x -> g.writeNumber(x.intValue()));
                writeMap(g, "numbers", v.numbers(), x -> g.writeNumber(x.longValue()));
                writeMap(g, "flags", v.flags(), x -> g.writeBoolean(x));
                writeMap(g, "texts", v.texts(), x -> g.writeString(x));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("blacklist");
            for (HandOver.BlacklistEntry b : h.blacklist()) {
                g.writeStartObject();
                g.writeStringField("name", b.name());
                g.writeNumberField("level_us", b.levelUs());
                g.writeNumberField("attempt", b.attempt());
                g.writeNumberField("first_attempt", b.firstAttempt());
                g.writeNumberField("last_attempt", b.lastAttempt());
                g.writeBooleanField("refused", b.refused());
                g.writeBooleanField("penalised", b.penalised());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    public static HandOver read(byte[] doc) throws HandOverException {
        try (JsonParser p = FACTORY.createParser(doc)) {
            HandOver h = document(p);
            if (p.nextToken() != null) {
                throw new HandOverException("trailing data after the state document");
            }
            return h;
        } catch (IOException e) {
            throw new HandOverException("state document does not parse: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new HandOverException("state document is malformed: " + e.getMessage(), e);
        }
    }

    private static HandOver document(JsonParser p) throws IOException, HandOverException {
        expect(p, p.nextToken(), JsonToken.START_OBJECT);
        Integer format = null;
        String from = "";
        long upgrades = 0;
        long writtenAt = 0;
        Map<String, Integer> listeners = Map.of();
        Map<String, Long> counters = Map.of();
        List<HandOver.VassalEntry> vassals = List.of();
        List<HandOver.BlacklistEntry> blacklist = List.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            switch (key) {
                case "format" -> format = (int) number(p, t);
                case "from_version" -> from = text(p, t);
                case "upgrades" -> upgrades = number(p, t);
                case "written_at" -> writtenAt = number(p, t);
                case "listeners" -> listeners = map(p, t, x -> (int) number(x, x.currentToken()));
                case "counters" -> counters = map(p, t, x -> number(x, x.currentToken()));
                case "vassals" -> vassals = vassals(p, t);
                case "blacklist" -> blacklist = blacklist(p, t);
                default -> p.skipChildren();
            }
        }
        expect(p, p.currentToken(), JsonToken.END_OBJECT);
        if (format == null) {
            throw new HandOverException("state document has no format");
        }
        if (format != HandOver.FORMAT) {
            throw new HandOverException("state document format " + format + " is not known to this build (it reads "
                    + HandOver.FORMAT + ")");
        }
        return new HandOver(format, from, upgrades, writtenAt, listeners, counters, vassals, blacklist);
    }

    private static List<HandOver.VassalEntry> vassals(JsonParser p, JsonToken t) throws IOException, HandOverException {
        expect(p, t, JsonToken.START_ARRAY);
        List<HandOver.VassalEntry> list = new ArrayList<>();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String name = null, monitor = "", state = null;
            Map<String, Integer> fds = Map.of();
            Map<String, Long> numbers = Map.of();
            Map<String, Boolean> flags = Map.of();
            Map<String, String> texts = Map.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                switch (key) {
                    case "name" -> name = text(p, v);
                    case "monitor" -> monitor = text(p, v);
                    case "state" -> state = text(p, v);
                    case "fds" -> fds = map(p, v, x -> (int) number(x, x.currentToken()));
                    case "numbers" -> numbers = map(p, v, x -> number(x, x.currentToken()));
                    case "flags" -> flags = map(p, v, x -> bool(x, x.currentToken()));
                    case "texts" -> texts = map(p, v, x -> text(x, x.currentToken()));
                    default -> p.skipChildren();
                }
            }
            if (name == null || state == null) {
                throw new HandOverException("a vassal entry without name or state");
            }
            list.add(new HandOver.VassalEntry(name, monitor, state, fds, numbers, flags, texts));
        }
        expect(p, p.currentToken(), JsonToken.END_ARRAY);
        return list;
    }

    private static List<HandOver.BlacklistEntry> blacklist(JsonParser p, JsonToken t) throws IOException, HandOverException {
        expect(p, t, JsonToken.START_ARRAY);
        List<HandOver.BlacklistEntry> list = new ArrayList<>();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            Map<String, Long> n = new LinkedHashMap<>();
            Map<String, Boolean> b = new LinkedHashMap<>();
            String name = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                switch (key) {
                    case "name" -> name = text(p, v);
                    case "refused", "penalised" -> b.put(key, bool(p, v));
                    case "level_us", "attempt", "first_attempt", "last_attempt" -> n.put(key, number(p, v));
                    default -> p.skipChildren();
                }
            }
            if (name == null) {
                throw new HandOverException("a blacklist entry without name");
            }
            list.add(new HandOver.BlacklistEntry(name, n.getOrDefault("level_us", 0L), n.getOrDefault("attempt", 0L),
                    n.getOrDefault("first_attempt", 0L), n.getOrDefault("last_attempt", 0L),
                    b.getOrDefault("refused", false), b.getOrDefault("penalised", false)));
        }
        expect(p, p.currentToken(), JsonToken.END_ARRAY);
        return list;
    }

    private interface Out<T> {
        void write(T value) throws IOException;
    }

    private static <T> void writeMap(JsonGenerator g, String field, Map<String, T> m, Out<T> out) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, T> e : new java.util.TreeMap<>(m).entrySet()) {
            g.writeFieldName(e.getKey());
            out.write(e.getValue());
        }
        g.writeEndObject();
    }

    private interface Value<T> {
        T read(JsonParser p) throws IOException, HandOverException;
    }

    private static <T> Map<String, T> map(JsonParser p, JsonToken t, Value<T> value) throws IOException, HandOverException {
        expect(p, t, JsonToken.START_OBJECT);
        Map<String, T> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            m.put(key, value.read(p));
        }
        expect(p, p.currentToken(), JsonToken.END_OBJECT);
        return m;
    }

    private static long number(JsonParser p, JsonToken t) throws IOException, HandOverException {
        expect(p, t, JsonToken.VALUE_NUMBER_INT);
        return p.getLongValue();
    }

    private static boolean bool(JsonParser p, JsonToken t) throws HandOverException {
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
            throw new HandOverException("expected true/false for " + name(p) + ", found " + t);
        }
        return t == JsonToken.VALUE_TRUE;
    }

    private static String text(JsonParser p, JsonToken t) throws IOException, HandOverException {
        expect(p, t, JsonToken.VALUE_STRING);
        return p.getText();
    }

    private static void expect(JsonParser p, JsonToken found, JsonToken wanted) throws HandOverException {
        if (found != wanted) {
            throw new HandOverException("expected " + wanted + " for " + name(p) + ", found " + found);
        }
    }

    private static String name(JsonParser p) {
        try {
            String n = p.currentName();
            return n == null ? "the document" : "'" + n + "'";
        } catch (IOException | RuntimeException e) {
            return "the document";
        }
    }

}
