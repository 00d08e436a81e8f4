package dev.emperor.stats;

import dev.emperor.core.EmperorLog;
import static dev.emperor.stats.StatsTestSupport.connect;
import static dev.emperor.stats.StatsTestSupport.http;
import static dev.emperor.stats.StatsTestSupport.raw;
import static dev.emperor.stats.StatsTestSupport.readToEof;
import static dev.emperor.stats.StatsTestSupport.snapshot;
import static dev.emperor.stats.StatsTestSupport.tcpServer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.core.EmperorSnapshot;
import dev.emperor.stats.StatsTestSupport.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatsServerTcpTest {

    private final EmperorSnapshot snap = snapshot(3);
    private final byte[] doc = StatsJson.toBytes(snap, false);
    private StatsServer server;

    @BeforeEach
    void start() throws IOException {
        server = tcpServer(snap, false);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void rawClientGetsTheDocumentThenEof() throws IOException {
        byte[] got = raw(server);
        assertArrayEquals(doc, got);
        Map<String, Object> parsed = StatsJsonTest.parse(new String(got, StandardCharsets.UTF_8));
        assertEquals(3, ((List<?>) parsed.get("vassals")).size());
        assertEquals(4242L, parsed.get("pid"));
    }

    @Test
    void rawClientSendingNonHttpBytesStillGetsTheDocument() throws IOException {
        try (Socket s = connect(server)) {
            s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals(doc, readToEof(s.getInputStream()));
        }
        try (Socket s = connect(server)) {
            s.shutdownOutput(); // like `nc -N host port </dev/null`: answered at once
            assertArrayEquals(doc, readToEof(s.getInputStream()));
        }
    }

    @Test
    void minifiedServer() throws IOException {
        try (StatsServer min = tcpServer(snap, true)) {
            byte[] got = raw(min);
            assertArrayEquals(StatsJson.toBytes(snap, true), got);
            assertFalse(new String(got, StandardCharsets.UTF_8).contains("\n"));
            Response r = http(min, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertArrayEquals(got, r.body());
        }
    }

    @Test
    void javaHttpClientGetsJson() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        for (String path : List.of("/", "/stats", "/stats?x=1")) {
            HttpResponse<byte[]> r = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                            .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
            assertEquals(String.valueOf(doc.length), r.headers().firstValue("content-length").orElseThrow());
            assertTrue(r.headers().firstValue("access-control-allow-origin").isEmpty(), "no cross-origin reads: " + r.headers());
            assertArrayEquals(doc, r.body());
        }
    }

    @Test
    void rawSocketHttp11Request() throws IOException {
        Response r = http(server, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: test\r\nAccept: */*\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", r.statusLine());
        assertEquals(List.of("content-type", "content-length", "connection"),
                List.copyOf(r.headers().keySet()));
        assertEquals("application/json", r.header("Content-Type"));
        assertEquals("close", r.header("Connection"));
        assertEquals(doc.length, Integer.parseInt(r.header("Content-Length")));
        assertEquals(doc.length, r.body().length);
        StatsJsonTest.parse(r.text());
        // HTTP/1.0, bare LF line ends and an absolute-form target work too
        assertArrayEquals(doc, http(server, "GET /stats HTTP/1.0\n\n").body());
        assertArrayEquals(doc, http(server, "GET http://127.0.0.1/stats HTTP/1.1\r\nHost: a\r\n\r\n").body());
    }

    @Test
    void requestArrivingByteByByte() throws IOException {
        try (Socket s = connect(server)) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            for (byte b : "GET /stats HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
            }
            Response r = StatsTestSupport.parse(readToEof(s.getInputStream()));
            assertEquals(200, r.status());
            assertArrayEquals(doc, r.body());
        }
    }

    @Test
    void headHasLengthButNoBody() throws IOException {
        Response r = http(server, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals(String.valueOf(doc.length), r.header("content-length"));
        assertEquals(0, r.body().length);
    }

    @Test
    void errorStatuses() throws IOException {
        Response notFound = http(server, "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("HTTP/1.1 404 Not Found", notFound.statusLine());
        assertEquals("Not Found\n", notFound.text());
        assertEquals(String.valueOf(notFound.body().length), notFound.header("content-length"));
        assertEquals("text/plain; charset=utf-8", notFound.header("content-type"));

        Response post = http(server, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
        assertEquals("HTTP/1.1 405 Method Not Allowed", post.statusLine());
        assertEquals("GET, HEAD", post.header("allow"));
        assertEquals(405, http(server, "DELETE /stats HTTP/1.1\r\n\r\n").status());

        for (String bad : List.of("GET /\r\n\r\n", "GET  / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1 x\r\n\r\n",
                "GET / FTP/1.0\r\n\r\n", "GET nope HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
                "GET / HTTP/1.1\r\n folded\r\n\r\n", "POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n")) {
            Response r = http(server, bad);
            assertEquals(400, r.status(), bad);
            assertTrue(r.text().startsWith("Bad Request: "), r.text());
            assertTrue(r.text().endsWith("\n") && r.text().indexOf('\n') == r.text().length() - 1);
        }
        assertEquals(505, http(server, "GET / HTTP/2.0\r\n\r\n").status());
        assertEquals(501, http(server, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n").status());
        assertEquals(413, http(server, "POST / HTTP/1.1\r\nContent-Length: 999999\r\n\r\n").status());
        // and still serving
        assertArrayEquals(doc, raw(server));
    }

    @Test
    void hugeRequestLineGets414AndServerKeepsServing() throws Exception {
        byte[] line = ("GET /" + "a".repeat(1 << 20) + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try (Socket s = connect(server)) {
            AtomicReference<Throwable> writeError = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(line);
                } catch (IOException e) {
                    writeError.set(e); // the server may stop reading once it answered
                }
            });
            writer.start();
            Response r = StatsTestSupport.parse(readToEof(s.getInputStream()));
            assertEquals("HTTP/1.1 414 URI Too Long", r.statusLine());
            writer.join(10_000);
        }
        StringBuilder headers = new StringBuilder("GET / HTTP/1.1\r\n");
        for (int i = 0; i < 2000; i++) {
            headers.append("X-Filler-").append(i).append(": ").append("y".repeat(20)).append("\r\n");
        }
        Response big = http(server, headers.append("\r\n").toString());
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large", big.statusLine());
        assertArrayEquals(doc, http(server, "GET / HTTP/1.1\r\n\r\n").body());
        assertArrayEquals(doc, raw(server));
    }

    @Test
    void curlGetsJson() throws Exception {
        Path curl = Path.of("/usr/bin/curl");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(curl), "curl not installed");
        Process p = new ProcessBuilder(curl.toString(), "-s", "--max-time", "10",
                "http://127.0.0.1:" + server.port() + "/")
                .redirectErrorStream(true).start();
        byte[] out = readToEof(p.getInputStream());
        assertTrue(p.waitFor(15, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(out, StandardCharsets.UTF_8));
        assertArrayEquals(doc, out);
        StatsJsonTest.parse(new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void failingSupplierGives500AndNothingRaw() throws IOException {
        try (StatsServer broken = tcpServer(null, false)) { // () -> null: "no snapshot published"
            assertEquals(500, http(broken, "GET / HTTP/1.1\r\n\r\n").status());
            assertEquals(0, raw(broken).length);
            assertEquals(404, http(broken, "GET /x HTTP/1.1\r\n\r\n").status());
        }
    }

    @Test
    void extraRoutesCanBeAdded() throws IOException {
        server.router().get("/metrics", r -> dev.emperor.stats.HttpResponse.text(200, "up 1"))
                .routePrefix("GET", "/vassals/", r -> dev.emperor.stats.HttpResponse.text(200, dev.emperor.stats.HttpRequest.percentDecode(r.path()).substring(9)));
        assertEquals("up 1\n", http(server, "GET /metrics HTTP/1.1\r\n\r\n").text());
        assertEquals("a b.ini\n", http(server, "GET /vassals/a%20b.ini HTTP/1.1\r\n\r\n").text());
    }

    @Test
    void bindFailureOnTakenPortThrowsWithTheAddress() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            String address = "127.0.0.1:" + taken.getLocalPort();
            StatsServer second = new StatsServer(address, 100, null, Duration.ofSeconds(4), () -> snap, false, StatsServer.DEFAULT_SNIFF_WINDOW, StatsServer.DEFAULT_MAX_CONNECTIONS, EmperorLog.standard());
            IOException e = assertThrows(IOException.class, second::start);
            assertTrue(e.getMessage().contains(address), e.getMessage());
            assertNull(second.boundAddress());
            second.close();
        }
        for (String bad : List.of("127.0.0.1:http", "127.0.0.1:70000", "no-such-host.invalid:1")) {
            StatsServer s = new StatsServer(bad, 100, null, Duration.ofSeconds(4), () -> snap, false, StatsServer.DEFAULT_SNIFF_WINDOW, StatsServer.DEFAULT_MAX_CONNECTIONS, EmperorLog.standard());
            IOException e = assertThrows(IOException.class, s::start);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void addressForms() throws IOException {
        try (StatsServer any = new StatsServer(":0", 100, null, Duration.ofSeconds(4), () -> snap, false, StatsServer.DEFAULT_SNIFF_WINDOW, StatsServer.DEFAULT_MAX_CONNECTIONS, EmperorLog.standard())) {
            any.start();
            InetSocketAddress a = (InetSocketAddress) any.boundAddress();
            assertTrue(a.getAddress().isAnyLocalAddress(), a.toString());
            assertTrue(a.getPort() > 0);
            assertArrayEquals(doc, raw(any));
        }
        assertEquals(new InetSocketAddress("::1", 8080), StatsAddress.parse("[::1]:8080"));
        assertEquals(new InetSocketAddress("127.0.0.1", 1717), StatsAddress.parse("127.0.0.1:1717"));
        assertTrue(StatsAddress.parse("/run/stats.sock") instanceof java.net.UnixDomainSocketAddress);
    }

    @Test
    void zeroSniffWindowAnswersRawAtOnceAndZeroTimeoutMeansDefault() throws IOException {
        try (StatsServer eager = new StatsServer("127.0.0.1:0", 100, null, Duration.ZERO, () -> snap, false,
                Duration.ZERO, 16, EmperorLog.standard())) {
            eager.start();
            assertArrayEquals(doc, raw(eager));
        }
    }

    @Test
    void fdOfTheListeningSocket() throws IOException {
        int fd = server.fd().orElseThrow();
        assertTrue(fd > 2, "fd " + fd);
        assertTrue(Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString().startsWith("socket:["));
    }

    @Test
    void closeIsIdempotentAndStopsTheThread() throws IOException {
        int port = server.port();
        long before = statsThreads();
        assertTrue(before >= 1);
        server.close();
        server.close();
        assertEquals(before - 1, statsThreads());
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
    }

    private static long statsThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("stats") && t.isAlive() && t.isDaemon()).count();
    }
}
