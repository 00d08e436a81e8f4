package dev.emperor.stats;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One parsed HTTP/1.x request.
 *
 * @param method  the method token, case-sensitive ({@code GET}, {@code HEAD}, ...)
 * @param target  the request target as sent (origin form, or the path of an absolute URI)
 * @param path    {@code target} without the query, still percent-encoded
 * @param query   the text after {@code ?}, null when absent
 * @param version {@code HTTP/1.0} or {@code HTTP/1.1}
 * @param headers header names lowercased, repeated headers joined with {@code ", "}, in arrival order
 * @param body    the body (Content-Length bytes), empty when none
 */
public record HttpRequest(String method, String target, String path, String query, String version,
        Map<String, String> headers, byte[] body) {

    public HttpRequest {
        headers = Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    /** A header value by case-insensitive name, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Decodes {@code %XX} escapes as UTF-8; malformed escapes are kept literally. */
    public static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            int hi = i + 2 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
            int lo = i + 2 < raw.length ? Character.digit(raw[i + 2], 16) : -1;
            if (raw[i] == '%' && hi >= 0 && lo >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(raw[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
