package dev.emperor.cli;

import dev.emperor.Version;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP/1.1 client of {@code emperor ctl}: one request per connection ({@code Connection: close},
 * as the stats server answers), over TCP or a UNIX socket alike, with one deadline for connect, send
 * and receive. The stats address is written as for {@code emperor-stats}: {@code host:port},
 * {@code :port} (here: 127.0.0.1), {@code [v6]:port}, or a UNIX socket path.
 */
final class CtlClient {

    private static final int MAX_RESPONSE = 32 * 1024 * 1024;

    /** An answer: status, lowercased header names, body as UTF-8. */
    record Response(int status, Map<String, String> headers, String body) {
        String contentType() {
            return headers.getOrDefault("content-type", "");
        }

        boolean isJson() {
            return contentType().startsWith("application/json");
        }
    }

    private final String address;
    private final SocketAddress where;
    private final String hostHeader;
    private final long timeoutNanos;

    long timeoutNanos() {
        return timeoutNanos;
    }

    CtlClient(String address, Duration timeout) throws IOException {
        this.address = address;
        this.timeoutNanos = timeout.toNanos();
        int colon = address.lastIndexOf(':');
        if (address.isEmpty()) {
            throw new IOException("empty stats address");
        }
        if (colon < 0) {
            where = UnixDomainSocketAddress.of(address);
            hostHeader = "localhost";
            return;
        }
        String host = address.substring(0, colon);
        String port = address.substring(colon + 1);
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
            throw new IOException("invalid port in stats address " + address);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress ip = host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")
                ? InetAddress.getLoopbackAddress() : InetAddress.getByName(host);
        where = new InetSocketAddress(ip, Integer.parseInt(port));
        String literal = ip.getHostAddress();
        hostHeader = (literal.indexOf(':') >= 0 ? "[" + literal + "]" : literal) + ":" + port;
    }

    String address() {
        return address;
    }

    Response get(String path) throws IOException {
        return exchange("GET", path);
    }

    Response post(String path) throws IOException {
        return exchange("POST", path);
    }

    /** Percent-encodes one path segment (everything but RFC 3986 unreserved characters). */
    static String segment(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                    || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format(Locale.ROOT, "%02X", c & 0xff));
            }
        }
        return b.toString();
    }

    private Response exchange(String method, String path) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        byte[] request = (method + " " + path + " HTTP/1.1\r\n"
                + "Host: " + hostHeader + "\r\n"
                + "User-Agent: emperor-ctl/" + Version.VERSION + "\r\n"
                + "Accept: application/json\r\n"
                + (method.equals("POST") ? "Content-Length: 0\r\n" : "")
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream received = new ByteArrayOutputStream(4096);
        try (SocketChannel ch = SocketChannel.open(where instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX : ((InetSocketAddress) where).getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
             Selector selector = Selector.open()) {
            ch.configureBlocking(false);
            SelectionKey key = ch.register(selector, 0);
            if (!ch.connect(where)) {
                key.interestOps(SelectionKey.OP_CONNECT);
                while (!ch.finishConnect()) {
                    await(selector, deadline, "connecting");
                }
            }
            ByteBuffer out = ByteBuffer.wrap(request);
            key.interestOps(SelectionKey.OP_WRITE);
            while (out.hasRemaining()) {
                if (ch.write(out) == 0) {
                    await(selector, deadline, "sending the request");
                }
            }
            ByteBuffer in = ByteBuffer.allocate(16 * 1024);
            key.interestOps(SelectionKey.OP_READ);
            while (true) {
                int n = ch.read(in);
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    await(selector, deadline, "waiting for the answer");
                    continue;
                }
                received.write(in.array(), 0, in.position());
                in.clear();
                if (received.size() > MAX_RESPONSE) {
                    throw new IOException("answer larger than " + MAX_RESPONSE + " bytes");
                }
            }
        }
        return parse(received.toByteArray());
    }

    private void await(Selector selector, long deadline, String what) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("timed out " + what + " (" + Duration.ofNanos(timeoutNanos).toMillis() + " ms)");
        }
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
    }

    static Response parse(byte[] raw) throws IOException {
        int end = -1;
        for (int i = 0; i + 3 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n' && raw[i + 2] == '\r' && raw[i + 3] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            throw new IOException(raw.length == 0 ? "the server closed the connection without answering"
                    : "not an HTTP answer (is this an Emperor stats address?)");
        }
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].matches("[0-9]{3}")) {
            throw new IOException("not an HTTP answer: " + lines[0]);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) {
                headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
            }
        }
        int bodyStart = end + 4;
        int bodyLength = raw.length - bodyStart;
        String cl = headers.get("content-length");
        if (cl != null && cl.matches("[0-9]{1,9}")) {
            int declared = Integer.parseInt(cl);
            if (declared > bodyLength) {
                throw new IOException("answer cut short: " + bodyLength + " of " + declared + " bytes");
            }
            bodyLength = declared;
        }
        return new Response(Integer.parseInt(status[1]), headers,
                new String(raw, bodyStart, bodyLength, StandardCharsets.UTF_8));
    }
}
