package dev.emperor.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.stats.HttpRequestParser.Result;
import dev.emperor.stats.HttpRequestParser.Sniff;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpRequestParserTest {

    private static Result parseAll(String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        return new HttpRequestParser().feed(b, b.length);
    }

    /** Feeds one byte more each time, as a slow client would send them. */
    private static Result parseByteByByte(String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        HttpRequestParser p = new HttpRequestParser();
        for (int n = 1; n <= b.length; n++) {
            Result r = p.feed(b, n);
            if (r != null) {
                assertEquals(b.length, n, "complete before the end");
                return r;
            }
        }
        return null;
    }

    private static Sniff sniff(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return HttpRequestParser.sniff(b, b.length);
    }

    @Test
    void sniffing() {
        assertEquals(Sniff.HTTP, sniff("GET "));
        assertEquals(Sniff.HTTP, sniff("M-SEARCH * HTTP/1.1"));
        assertEquals(Sniff.HTTP, sniff("PROPFIND /"));
        assertEquals(Sniff.UNDECIDED, sniff(""));
        assertEquals(Sniff.UNDECIDED, sniff("GE"));
        assertEquals(Sniff.NOT_HTTP, sniff(" GET"));
        assertEquals(Sniff.NOT_HTTP, sniff("get /"));
        assertEquals(Sniff.NOT_HTTP, sniff("-GET /"));
        assertEquals(Sniff.NOT_HTTP, sniff("GET\r\n"));
        assertEquals(Sniff.NOT_HTTP, sniff("\u0016\u0003\u0001")); // a TLS ClientHello
        assertEquals(Sniff.NOT_HTTP, sniff("ABCDEFGHIJKLMNOPQRSTUVWXYZ "));
    }

    @Test
    void completeRequest() {
        String text = "GET /vassals/a%20b.ini?full=1 HTTP/1.1\r\nHost: x\r\nX-A: 1\r\nx-a:  2 \r\n\r\n";
        for (Result r : new Result[] {parseAll(text), parseByteByByte(text)}) {
            HttpRequest q = r.request();
            assertEquals(0, r.status());
            assertEquals("GET", q.method());
            assertEquals("/vassals/a%20b.ini?full=1", q.target());
            assertEquals("/vassals/a%20b.ini", q.path());
            assertEquals("/vassals/a b.ini", HttpRequest.percentDecode(q.path()));
            assertEquals("full=1", q.query());
            assertEquals("HTTP/1.1", q.version());
            assertEquals(Map.of("host", "x", "x-a", "1, 2"), q.headers());
            assertEquals("x", q.header("HOST"));
            assertEquals(0, q.body().length);
        }
    }

    @Test
    void bodyByContentLength() {
        String text = "POST /vassals/x/reload HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
        Result r = parseByteByByte(text);
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), r.request().body());
        byte[] partial = "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhel".getBytes(StandardCharsets.US_ASCII);
        assertNull(new HttpRequestParser().feed(partial, partial.length));
        assertEquals(413, parseAll("POST / HTTP/1.1\r\nContent-Length: 65537\r\n\r\n").status());
        assertEquals(400, parseAll("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").status());
        assertEquals(0, parseAll("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx").status());
        assertEquals(400, parseAll("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n").status());
        assertEquals(501, parseAll("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").status());
    }

    @Test
    void targets() {
        assertEquals("/stats", parseAll("GET http://h:1/stats?a HTTP/1.1\r\n\r\n").request().path());
        assertEquals("a", parseAll("GET http://h:1/stats?a HTTP/1.1\r\n\r\n").request().query());
        assertEquals("/", parseAll("GET http://h:1 HTTP/1.1\r\n\r\n").request().path());
        assertEquals("/", parseAll("GET HTTPS://h?q HTTP/1.1\r\n\r\n").request().path());
        assertEquals("*", parseAll("OPTIONS * HTTP/1.1\r\n\r\n").request().path());
        assertEquals(400, parseAll("GET stats HTTP/1.1\r\n\r\n").status());
        assertEquals(400, parseAll("GET /\u00e9 HTTP/1.1\r\n\r\n").status());
        assertEquals("/%zz%4", HttpRequest.percentDecode("/%zz%4"));
        assertEquals("/\u00e9", HttpRequest.percentDecode("/%C3%A9"));
    }

    @Test
    void limits() {
        String longLine = "GET /" + "a".repeat(HttpRequestParser.MAX_REQUEST_LINE) + " HTTP/1.1";
        byte[] partial = longLine.getBytes(StandardCharsets.US_ASCII);
        assertEquals(414, new HttpRequestParser().feed(partial, partial.length).status(), "before any newline");
        assertEquals(414, parseAll(longLine + "\r\n\r\n").status());
        String okLine = "GET /" + "a".repeat(HttpRequestParser.MAX_REQUEST_LINE - 14) + " HTTP/1.1";
        assertEquals(HttpRequestParser.MAX_REQUEST_LINE, okLine.length());
        assertEquals(0, parseAll(okLine + "\r\n\r\n").status());
        String header = "X: " + "b".repeat(HttpRequestParser.MAX_HEADERS) + "\r\n";
        assertEquals(431, parseAll("GET / HTTP/1.1\r\n" + header + "\r\n").status());
        byte[] noEnd = ("GET / HTTP/1.1\r\n" + header).getBytes(StandardCharsets.US_ASCII);
        assertEquals(431, new HttpRequestParser().feed(noEnd, noEnd.length).status(), "before the empty line");
    }

    @Test
    void malformed() {
        for (String bad : new String[] {"GET / HTTP/1.1 \r\n\r\n", "GET /\r\n\r\n", "GET / http/1.1\r\n\r\n",
                "G(T / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\n: empty\r\n\r\n", "GET / HTTP/1.1\r\nA B: c\r\n\r\n",
                "GET / HTTP/1.1\r\nA : c\r\n\r\n", "GET / HTTP/1.1\r\nA: c\u0000\r\n\r\n", "GET / HTTP/1.1\r\n\tx\r\n\r\n"}) {
            assertEquals(400, parseAll(bad).status(), bad);
        }
        assertEquals(505, parseAll("GET / HTTP/2.0\r\n\r\n").status());
    }

    @Test
    void router() {
        Router r = new Router()
                .get("/", q -> HttpResponse.text(200, "root"))
                .post("/vassals", q -> HttpResponse.text(201, "made"))
                .routePrefix("GET", "/vassals/", q -> HttpResponse.text(200, q.path().substring(9)));
        assertEquals("root\n", body(r.handle(req("GET", "/"))));
        assertEquals("root\n", body(r.handle(req("HEAD", "/"))));
        assertEquals(201, r.handle(req("POST", "/vassals")).status());
        assertEquals("a.ini\n", body(r.handle(req("GET", "/vassals/a.ini"))));
        assertEquals(404, r.handle(req("GET", "/other")).status());
        HttpResponse notAllowed = r.handle(req("PUT", "/"));
        assertEquals(405, notAllowed.status());
        assertEquals("GET, HEAD", notAllowed.headers().get("Allow"));
        assertEquals("POST", r.handle(req("GET", "/vassals")).headers().get("Allow"));
    }

    @Test
    void responseEncoding() {
        HttpResponse ok = HttpResponse.json("{}".getBytes(StandardCharsets.US_ASCII)).withHeader("X-Extra", "1");
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                + "Connection: close\r\nX-Extra: 1\r\n\r\n",
                new String(ok.head(), StandardCharsets.US_ASCII));
        assertThrows(IllegalArgumentException.class, () -> ok.withHeader("X", "a\r\nSet-Cookie: y"));
        assertTrue(new String(HttpResponse.error(431).head(), StandardCharsets.US_ASCII)
                .startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
    }

    private static HttpRequest req(String method, String path) {
        return new HttpRequest(method, path, path, null, "HTTP/1.1", Map.of(), null);
    }

    private static String body(HttpResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}
