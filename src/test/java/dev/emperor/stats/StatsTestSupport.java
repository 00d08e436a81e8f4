package dev.emperor.stats;

import dev.emperor.testing.Await;
import dev.emperor.core.EmperorLog;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.emperor.core.EmperorSnapshot;
import dev.emperor.core.VassalView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Clients and fixtures shared by the stats server tests. */
final class StatsTestSupport {

    private StatsTestSupport() {
    }

    /** A parsed HTTP response. */
    record Response(String statusLine, Map<String, String> headers, byte[] body) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static EmperorSnapshot snapshot(int vassals) {
        List<VassalView> list = new ArrayList<>();
        for (int i = 0; i < vassals; i++) {
            list.add(StatsJsonTest.vassal("app" + i + ".ini", 1000 + i, Map.of("k", "v" + i)));
        }
        return new EmperorSnapshot("2.0.21", 4242, 0, 0, "/srv/v", List.of("/srv/v"), false, 0, list, List.of(), 0);
    }

    static StatsServer tcpServer(EmperorSnapshot snap, boolean minified) throws IOException {
        return tcpServer(snap, minified, Duration.ofSeconds(5), 1024);
    }

    static StatsServer tcpServer(EmperorSnapshot snap, boolean minified, Duration timeout, int maxConnections)
            throws IOException {
        StatsServer s = new StatsServer("127.0.0.1:0", 100, null, timeout, () -> snap, minified,
                Duration.ofMillis(200), maxConnections, EmperorLog.standard());
        s.start();
        return s;
    }

    static Socket connect(StatsServer server) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    static byte[] readToEof(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    /** Connects, sends nothing, reads to EOF. */
    static byte[] raw(StatsServer server) throws IOException {
        try (Socket s = connect(server)) {
            return readToEof(s.getInputStream());
        }
    }

    /** Sends {@code request} verbatim and reads the answer to EOF. */
    static Response http(StatsServer server, String request) throws IOException {
        try (Socket s = connect(server)) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return parse(readToEof(s.getInputStream()));
        }
    }

    static Response http(SocketChannel ch, String request) throws IOException {
        ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
        return parse(readToEof(ch));
    }

    static byte[] readToEof(SocketChannel ch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (ch.read(buf) >= 0) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }
        return out.toByteArray();
    }

    static Response parse(byte[] raw) {
        int end = -1;
        for (int i = 0; i + 3 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n' && raw[i + 2] == '\r' && raw[i + 3] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            fail("no HTTP head in " + raw.length + " bytes: " + new String(raw, StandardCharsets.ISO_8859_1));
        }
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            assertTrue(colon > 0, lines[i]);
            headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        return new Response(lines[0], headers, body);
    }

    /** {@link Await#until} with this package's argument order. */
    static void await(Duration timeout, BooleanSupplier condition, String what) {
        Await.until(timeout, what, condition::getAsBoolean);
    }
}
