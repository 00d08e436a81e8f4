package dev.emperor.stats;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Incremental HTTP/1.x request parser, one per connection. {@link #feed} is called with the whole
 * buffer received so far after every read; it scans only the new bytes and returns null until the
 * request (head plus Content-Length body) is complete or known to be bad.
 *
 * <p>Limits: request line {@value #MAX_REQUEST_LINE} bytes (else 414), header section
 * {@value #MAX_HEADERS} bytes (else 431), body {@value #MAX_BODY} bytes (else 413). No chunked
 * request bodies (501), no line folding (400).
 */
final class HttpRequestParser {

    static final int MAX_REQUEST_LINE = 8192;
    static final int MAX_HEADERS = 8192;
    static final int MAX_BODY = 64 * 1024;
    /** The most a connection ever buffers for one request. */
    static final int MAX_BUFFERED = MAX_REQUEST_LINE + 2 + MAX_HEADERS + 2 + MAX_BODY;
    private static final int MAX_METHOD = 20;

    /** Either a request or an error status (with a one-line reason for the body). */
    record Result(HttpRequest request, int status, String message) {
        static Result error(int status, String message) {
            return new Result(null, status, message);
        }
    }

    /** Sniff verdicts. */
    enum Sniff { HTTP, NOT_HTTP, UNDECIDED }

    private int scanPos;          // next byte to scan
    private int lineStart;        // start of the line being scanned
    private int requestLineEnd = -1; // index after the request line's '\n'
    private int headEnd = -1;     // index after the empty line
    private int bodyLength = -1;
    private HttpRequest pending;   // the parsed head while the body is still arriving

    /** Does the input start like an HTTP request line ({@code TOKEN SP})? */
    static Sniff sniff(byte[] buf, int len) {
        for (int i = 0; i < Math.min(len, MAX_METHOD + 1); i++) {
            byte c = buf[i];
            if (c == ' ') {
                return i > 0 ? Sniff.HTTP : Sniff.NOT_HTTP;
            }
            boolean letter = c >= 'A' && c <= 'Z';
            if (!letter && (i == 0 || c != '-' && c != '_')) {
                return Sniff.NOT_HTTP;
            }
        }
        return len > MAX_METHOD ? Sniff.NOT_HTTP : Sniff.UNDECIDED;
    }

    Result feed(byte[] buf, int len) {
        if (headEnd < 0) {
            Result r = scanHead(buf, len);
            if (r != null || headEnd < 0) {
                return r;
            }
            Result head = parseHead(buf);
            if (head.status != 0) {
                return head;
            }
            bodyLength = contentLength(head.request);
            if (bodyLength < 0) {
                return bodyError(head.request);
            }
            pending = head.request;
        }
        if (len < headEnd + bodyLength) {
            return null;
        }
        HttpRequest p = pending;
        byte[] body = Arrays.copyOfRange(buf, headEnd, headEnd + bodyLength);
        return new Result(new HttpRequest(p.method(), p.target(), p.path(), p.query(), p.version(), p.headers(), body), 0, null);
    }

    /** Finds the end of the request line and of the header section; null = go on. */
    private Result scanHead(byte[] buf, int len) {
        for (; scanPos < len; scanPos++) {
            if (buf[scanPos] != '\n') {
                continue;
            }
            int contentEnd = scanPos > lineStart && buf[scanPos - 1] == '\r' ? scanPos - 1 : scanPos;
            if (requestLineEnd < 0) {
                if (contentEnd > MAX_REQUEST_LINE) {
                    return Result.error(414, "request line too long");
                }
                requestLineEnd = scanPos + 1;
            } else if (contentEnd == lineStart) {
                headEnd = scanPos + 1;
                if (lineStart - requestLineEnd > MAX_HEADERS) {
                    return Result.error(431, "request headers too large");
                }
                return null;
            }
            lineStart = scanPos + 1;
        }
        if (requestLineEnd < 0 && len > MAX_REQUEST_LINE + 1) {
            return Result.error(414, "request line too long");
        }
        if (requestLineEnd >= 0 && len - requestLineEnd > MAX_HEADERS + 2) {
            return Result.error(431, "request headers too large");
        }
        return null;
    }

    private Result parseHead(byte[] buf) {
        String head = new String(buf, 0, headEnd, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r?\n", -1);
        String[] parts = lines[0].split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty()) {
            return Result.error(400, "malformed request line");
        }
        String method = parts[0];
        String target = parts[1];
        String version = parts[2];
        if (!version.matches("HTTP/[0-9]\\.[0-9]")) {
            return Result.error(400, "malformed request line");
        }
        if (version.charAt(5) != '1') {
            return Result.error(505, "only HTTP/1.x is supported");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return Result.error(400, "malformed request target");
            }
        }
        String pathAndQuery = originForm(target);
        if (pathAndQuery == null) {
            return Result.error(400, "malformed request target");
        }
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? null : pathAndQuery.substring(q + 1);
        Map<String, String> headers = new LinkedHashMap<>();
        // lines[last] and lines[last - 1] are the empty line and what follows the final '\n'
        for (int i = 1; i < lines.length - 2; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                return Result.error(400, "malformed header line");
            }
            String value = line.substring(colon + 1).strip();
            for (int k = 0; k < value.length(); k++) {
                char c = value.charAt(k);
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    return Result.error(400, "malformed header value");
                }
            }
            headers.merge(line.substring(0, colon).toLowerCase(Locale.ROOT), value, (a, b) -> a + ", " + b);
        }
        return new Result(new HttpRequest(method, target, path, query, version, headers, null), 0, null);
    }

    /** Origin form as is; absolute form reduced to its path and query; anything else null. */
    private static String originForm(String target) {
        if (target.startsWith("/")) {
            return target;
        }
        String lower = target.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            int authority = target.indexOf("://") + 3;
            int slash = target.indexOf('/', authority);
            int query = target.indexOf('?', authority);
            if (slash < 0 || query >= 0 && query < slash) {
                return "/" + (query < 0 ? "" : target.substring(query));
            }
            return target.substring(slash);
        }
        return target.equals("*") ? "*" : null;
    }

    /** The body length, or -1 when the framing headers are unacceptable (see {@link #bodyError}). */
    private static int contentLength(HttpRequest r) {
        if (r.header("transfer-encoding") != null) {
            return -1;
        }
        String cl = r.header("content-length");
        if (cl == null) {
            return 0;
        }
        String first = null;
        for (String v : cl.split(",")) {
            v = v.strip();
            if (!v.matches("[0-9]{1,18}") || first != null && !first.equals(v)) {
                return -1;
            }
            first = v;
        }
        long n = Long.parseLong(first);
        return n > MAX_BODY ? -1 : (int) n;
    }

    private static Result bodyError(HttpRequest r) {
        if (r.header("transfer-encoding") != null) {
            return Result.error(501, "Transfer-Encoding is not supported");
        }
        String cl = r.header("content-length").strip();
        if (cl.matches("[0-9]{1,18}") && Long.parseLong(cl) > MAX_BODY) {
            return Result.error(413, "request body too large");
        }
        return Result.error(400, "malformed Content-Length");
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
