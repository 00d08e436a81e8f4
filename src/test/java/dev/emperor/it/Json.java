package dev.emperor.it;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny, strict JSON tree reader on jackson-core's streaming parser (jackson-databind is not a dependency).
 * Objects keep every key in document order, duplicates included, so field order can be compared exactly.
 * Values are {@link Obj}, {@code List<Object>}, {@code String}, {@code Long}/{@code BigInteger},
 * {@code Double}, {@code Boolean} or {@link #NULL}.
 */
public final class Json {

    /** The JSON {@code null}. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    /** Parses one complete JSON document; trailing content is an error. */
    public static Object parse(String text) throws IOException {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) throw new IOException("empty JSON document");
            Object v = read(p);
            if (p.nextToken() != null) {
                throw new IOException("trailing content after JSON document at " + p.currentLocation());
            }
            return v;
        }
    }

    /** Parses a document whose top level must be an object. */
    public static Obj parseObject(String text) throws IOException {
        Object v = parse(text);
        if (!(v instanceof Obj)) throw new IOException("top level is not an object: " + typeOf(v));
        return (Obj) v;
    }

    private static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Obj o = new Obj();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    p.nextToken();
                    o.put(key, read(p));
                }
                return o;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p));
                }
                return Collections.unmodifiableList(l);
            }
            case VALUE_STRING: return p.getText();
            case VALUE_NUMBER_INT: return p.getNumberValue();
            case VALUE_NUMBER_FLOAT: return p.getDoubleValue();
            case VALUE_TRUE: return Boolean.TRUE;
            case VALUE_FALSE: return Boolean.FALSE;
            case VALUE_NULL: return NULL;
            default: throw new IOException("unexpected token " + t + " at " + p.currentLocation());
        }
    }

    /** "object", "array", "string", "number", "boolean" or "null". */
    public static String typeOf(Object v) {
        if (v instanceof Obj) return "object";
        if (v instanceof List) return "array";
        if (v instanceof String) return "string";
        if (v instanceof Number) return "number";
        if (v instanceof Boolean) return "boolean";
        return "null";
    }

    /** A JSON object: keys in document order (duplicates kept in {@link #keys()}), last value wins on lookup. */
    public static final class Obj {
        private final List<String> keys = new ArrayList<>();
        private final Map<String, Object> values = new LinkedHashMap<>();

        void put(String k, Object v) {
            keys.add(k);
            values.put(k, v);
        }

        /** Every key in document order, duplicates included. */
        public List<String> keys() {
            return Collections.unmodifiableList(keys);
        }

        public boolean has(String k) {
            return values.containsKey(k);
        }

        public Object get(String k) {
            return values.get(k);
        }

        /** The integer value of {@code k}; fails if absent or not an integer. */
        public long num(String k) {
            Object v = values.get(k);
            if (!(v instanceof Number) || v instanceof Double) {
                throw new AssertionError("field '" + k + "' is not an integer: " + v + " in " + this);
            }
            return ((Number) v).longValue();
        }

        /** The string value of {@code k}; fails if absent or not a string. */
        public String str(String k) {
            Object v = values.get(k);
            if (!(v instanceof String)) throw new AssertionError("field '" + k + "' is not a string: " + v);
            return (String) v;
        }

        /** The array value of {@code k}; fails if absent or not an array. */
        @SuppressWarnings("unchecked")
        public List<Object> list(String k) {
            Object v = values.get(k);
            if (!(v instanceof List)) throw new AssertionError("field '" + k + "' is not an array: " + v);
            return (List<Object>) v;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("{");
            for (Map.Entry<String, Object> e : values.entrySet()) {
                if (b.length() > 1) b.append(", ");
                b.append(e.getKey()).append('=').append(e.getValue());
            }
            return b.append('}').toString();
        }
    }
}
