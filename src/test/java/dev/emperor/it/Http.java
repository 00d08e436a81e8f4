package dev.emperor.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A minimal HTTP/1.0 client over a raw socket (one connection per request, no pooling, so a request never
 * reuses a connection to a worker that has since been replaced), with short timeouts.
 */
public final class Http {

    private Http() {
    }

    /** A response; {@code workerPid} is the {@code X-Worker-Pid} header of the test app, or -1. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public long workerPid() {
            String v = header("x-worker-pid");
            return v == null ? -1 : Long.parseLong(v.trim());
        }
    }

    /** GET / on 127.0.0.1:{@code port}. */
    public static Response get(int port) throws IOException {
        return get(port, 1000, 3000);
    }

    public static Response get(int port, int connectTimeoutMs, int readTimeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), connectTimeoutMs);
            s.setSoTimeout(readTimeoutMs);
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.0\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] b = new byte[4096];
            for (int n; (n = in.read(b)) > 0; ) buf.write(b, 0, n);
            return parse(buf.toString(StandardCharsets.UTF_8));
        }
    }

    /** GET / without exceptions: empty on any failure. */
    public static Optional<Response> tryGet(int port) {
        try {
            return Optional.of(get(port));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** True when the test app {@code label} answers 200 "hello LABEL" on {@code port}. */
    public static boolean answers(int port, String label) {
        return tryGet(port).filter(r -> r.status() == 200 && r.body().equals("hello " + label)).isPresent();
    }

    static Response parse(String text) throws IOException {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) throw new IOException("incomplete HTTP response: " + text);
        String[] lines = text.substring(0, end).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
            throw new IOException("bad status line: " + lines[0]);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
        }
        return new Response(Integer.parseInt(statusLine[1]), headers, text.substring(end + 4));
    }
}
