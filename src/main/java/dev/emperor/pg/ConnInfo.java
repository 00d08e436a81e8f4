package dev.emperor.pg;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A libpq connection string as an operator writes it after {@code pg://} — the {@code key=value} form
 * ({@code host=db1 dbname=fleet user=emperor password='s e cret'}) or the URI form
 * ({@code postgresql://emperor:secret@db1:5432/fleet?sslmode=require}) — parsed into libpq's keywords
 * (docs/uwsgi-compat.md, "pg:// monitor"). The text itself is kept only in {@link #redacted()} form:
 * the password never leaves this object except towards the driver.
 */
public final class ConnInfo {
    public static final String MASK = "****";

    private final Map<String, String> params;
    private final String redacted;

    private ConnInfo(Map<String, String> params, String redacted) {
        this.params = Collections.unmodifiableMap(params);
        this.redacted = redacted;
    }

    /** @throws IllegalArgumentException with a message that never contains the password */
    public static ConnInfo parse(String text) {
        String t = text.strip();
        if (t.startsWith("postgresql://") || t.startsWith("postgres://")) {
            return parseUri(t);
        }
        return parseKeywords(t);
    }

    /** libpq keyword → value, in the order given; URI parts appear as host, port, user, password, dbname. */
    public Map<String, String> params() {
        return params;
    }

    public String get(String key) {
        return params.get(key);
    }

    /** The connection string with its password replaced by {@value #MASK}: safe for logs, stats and /ui. */
    public String redacted() {
        return redacted;
    }

    /** The password given in the string, or null (then PGPASSWORD, PGPASSFILE or ~/.pgpass may supply one). */
    public String password() {
        return params.get("password");
    }

    /** {@code text} with every occurrence of the password masked (driver messages, just in case). */
    public String scrub(String text) {
        String p = password();
        if (text == null || p == null || p.isEmpty()) {
            return text;
        }
        return text.replace(p, MASK);
    }

    private static ConnInfo parseKeywords(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        StringBuilder red = new StringBuilder();
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int keyStart = i;
            while (i < n && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            String key = s.substring(keyStart, i);
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n || s.charAt(i) != '=') {
                throw new IllegalArgumentException("missing \"=\" after \"" + key + "\" in connection info string");
            }
            i++;
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && s.charAt(i) == '\'') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < n) {
                        value.append(s.charAt(i++));
                    } else if (c == '\'') {
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("unterminated quoted string in connection info string");
                }
            } else {
                while (i < n && !Character.isWhitespace(s.charAt(i))) {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < n) {
                        value.append(s.charAt(i++));
                    } else {
                        value.append(c);
                    }
                }
            }
            out.put(key, value.toString());
            if (red.length() > 0) {
                red.append(' ');
            }
            red.append(key).append('=').append(key.equals("password") ? MASK : quote(value.toString()));
        }
        return new ConnInfo(out, red.toString());
    }

    private static String quote(String v) {
        if (!v.isEmpty() && v.chars().noneMatch(c -> Character.isWhitespace(c) || c == '\'' || c == '\\')) {
            return v;
        }
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static ConnInfo parseUri(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        int schemeEnd = s.indexOf("://") + 3;
        String scheme = s.substring(0, schemeEnd);
        String rest = s.substring(schemeEnd);
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String path = null;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        StringBuilder red = new StringBuilder(scheme);
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            String user = colon >= 0 ? userInfo.substring(0, colon) : userInfo;
            if (!user.isEmpty()) {
                out.put("user", decode(user));
            }
            red.append(user);
            if (colon >= 0) {
                out.put("password", decode(userInfo.substring(colon + 1)));
                red.append(':').append(MASK);
            }
            red.append('@');
        }
        red.append(rest);
        hostsAndPorts(rest, out);
        if (path != null) {
            if (!path.isEmpty()) {
                out.put("dbname", decode(path));
            }
            red.append('/').append(path);
        }
        if (query != null) {
            red.append('?');
            boolean first = true;
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("missing key/value separator \"=\" in URI query parameter");
                }
                String key = decode(pair.substring(0, eq));
                out.put(key, decode(pair.substring(eq + 1)));
                red.append(first ? "" : "&").append(key.equals("password") ? pair.substring(0, eq + 1) + MASK : pair);
                first = false;
            }
        }
        return new ConnInfo(out, red.toString());
    }

    /** {@code h1:5432,h2} → host=h1,h2 port=5432,(empty) as libpq lists them; [v6] literals kept whole. */
    private static void hostsAndPorts(String netloc, Map<String, String> out) {
        if (netloc.isEmpty()) {
            return;
        }
        java.util.List<String> hosts = new java.util.ArrayList<>();
        java.util.List<String> ports = new java.util.ArrayList<>();
        boolean anyPort = false;
        for (String part : netloc.split(",", -1)) {
            String host = part;
            String port = "";
            if (part.startsWith("[")) {
                int close = part.indexOf(']');
                host = part.substring(1, close < 0 ? part.length() : close);
                if (close >= 0 && close + 1 < part.length() && part.charAt(close + 1) == ':') {
                    port = part.substring(close + 2);
                }
            } else {
                int colon = part.lastIndexOf(':');
                if (colon >= 0) {
                    host = part.substring(0, colon);
                    port = part.substring(colon + 1);
                }
            }
            anyPort |= !port.isEmpty();
            hosts.add(decode(host));
            ports.add(port);
        }
        if (hosts.stream().anyMatch(h -> !h.isEmpty())) {
            out.put("host", String.join(",", hosts));
        }
        if (anyPort) {
            out.put("port", String.join(",", ports));
        }
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '%' && i + 2 < raw.length) {
                int hi = Character.digit(raw[i + 1], 16);
                int lo = Character.digit(raw[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("invalid percent-encoded token in URI");
                }
                b.write(hi * 16 + lo);
                i += 2;
            } else if (raw[i] == '%') {
                throw new IllegalArgumentException("invalid percent-encoded token in URI");
            } else {
                b.write(raw[i]);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
