package dev.emperor.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the daemon's JSON answers into maps, lists, strings, numbers, booleans and null (jackson-core only). */
final class CtlJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private CtlJson() {
    }

    static Object parse(String text) throws IOException {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() == null) {
                throw new IOException("empty JSON answer");
            }
            Object v = read(p);
            if (p.nextToken() != null) {
                throw new IOException("trailing data after the JSON answer");
            }
            return v;
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object o) throws IOException {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IOException("expected a JSON object, got " + o);
    }

    static String string(Map<String, Object> o, String key) {
        Object v = o.get(key);
        return v == null ? "" : v.toString();
    }

    static long number(Map<String, Object> o, String key) {
        return o.get(key) instanceof Number n ? n.longValue() : 0;
    }

    private static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    p.nextToken();
                    m.put(key, read(p));
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
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected JSON token " + t);
        }
    }
}
