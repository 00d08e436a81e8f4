package dev.emperor.stats;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP response to encode. The server always adds {@code Content-Length} and
 * {@code Connection: close}; {@code headers} holds any others (e.g. {@code Allow}). Header names and
 * values must not contain CR or LF. There is deliberately no {@code Access-Control-Allow-Origin}:
 * with {@code *} any web page open in an operator's browser could read vassal names, paths and pids
 * from the stats address (docs/logging.md, "What operators see").
 */
public record HttpResponse(int status, String contentType, Map<String, String> headers, byte[] body) {

    public static final String JSON = "application/json";
    public static final String TEXT = "text/plain; charset=utf-8";

    public HttpResponse {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("bad status " + status);
        }
        headers = new LinkedHashMap<>(headers);
        headers.forEach((k, v) -> {
            checkHeaderText(k);
            checkHeaderText(v);
        });
        checkHeaderText(contentType);
        headers = Collections.unmodifiableMap(headers);
        body = body == null ? new byte[0] : body;
    }

    private static void checkHeaderText(String s) {
        if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("CR/LF in header text");
        }
    }

    /** 200 with a JSON body (the array is not copied: do not modify it afterwards). */
    public static HttpResponse json(byte[] body) {
        return new HttpResponse(200, JSON, Map.of(), body);
    }

    /** A one-line plain-text response: {@code message} plus a newline. */
    public static HttpResponse text(int status, String message) {
        return new HttpResponse(status, TEXT, Map.of(), (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** A plain-text error whose body is the standard reason phrase. */
    public static HttpResponse error(int status) {
        return text(status, reason(status));
    }

    public HttpResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new HttpResponse(status, contentType, h, body);
    }

    /** Status line and headers, ending with the empty line. */
    public byte[] head() {
        StringBuilder sb = new StringBuilder(160)
                .append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n")
                .append("Content-Type: ").append(contentType).append("\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        return sb.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    public static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 204: return "No Content";
            case 400: return "Bad Request";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 408: return "Request Timeout";
            case 409: return "Conflict";
            case 411: return "Length Required";
            case 413: return "Content Too Large";
            case 414: return "URI Too Long";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            case 501: return "Not Implemented";
            case 503: return "Service Unavailable";
            case 505: return "HTTP Version Not Supported";
            default: return "Status " + status;
        }
    }
}
