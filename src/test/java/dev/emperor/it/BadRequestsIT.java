package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a client sends cannot hurt the daemon: bad requests get a 4xx (or 501/505) with a one-line reason;
 * a 1 MB request line gets 414; slow clients are cut off at {@code socket-timeout} while others are served;
 * 10 000 connections held open at once (the server serves 1024 at a time and closes the rest) leave it
 * serving, its vassal untouched and its descriptors back where they were. Our daemon only.
 */
@Timeout(180)
class BadRequestsIT {

    @BeforeEach
    void ours() {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "HTTP on the stats socket is not in uWSGI");
    }

    static void assertOneLine(Http.Response r, String what) {
        assertTrue(r.body().endsWith("\n") && r.body().indexOf('\n') == r.body().length() - 1,
                what + ": one-line reason, got " + r.body());
        assertTrue(r.header("content-type").startsWith("text/plain"), what);
    }

    static Http.Response raw(int port, String request) throws IOException {
        return StatsHttp.raw(port, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void badRequestsGetAClientErrorWithAOneLineReason() throws Exception {
        int p1 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("bad-requests").build()) {
            Vassals.python("app1", p1).writeTo(e);
            e.start();
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
            long pid = e.awaitVassal("app1.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();
            int port = e.statsPort();

            Http.Response unknownPath = StatsHttp.get(port, "/nope");
            assertEquals(404, unknownPath.status());
            assertOneLine(unknownPath, "unknown path");
            Http.Response unknownVassal = StatsHttp.get(port, "/vassals/nope%2Eini");
            assertEquals(404, unknownVassal.status());
            assertEquals("no vassal named nope.ini\n", unknownVassal.body());
            Http.Response getOnPost = StatsHttp.get(port, "/reload-all");
            assertEquals(405, getOnPost.status());
            assertEquals("POST", getOnPost.header("allow"));
            assertOneLine(getOnPost, "GET on a POST route");
            Http.Response getOnVerb = StatsHttp.get(port, "/vassals/app1.ini/stop");
            assertEquals(405, getOnVerb.status());
            assertEquals("POST", getOnVerb.header("allow"));
            Http.Response postOnGet = StatsHttp.post(port, "/metrics");
            assertEquals(405, postOnGet.status());
            assertEquals("GET, HEAD", postOnGet.header("allow"));
            Http.Response forbidden = StatsHttp.post(port, "/vassals/app1.ini/stop");
            assertEquals(403, forbidden.status());
            assertEquals("HTTP control is disabled (emperor-stats-control)\n", forbidden.body());

            StringBuilder manyHeaders = new StringBuilder("GET / HTTP/1.1\r\n");
            for (int i = 0; i < 2000; i++) manyHeaders.append("X-Filler-").append(i).append(": yyyyyyyyyyyyyyyy\r\n");
            Map<String, Integer> expected = Map.of(
                    "GET / HTTP/1.1 x\r\n\r\n", 400,
                    "GET nope HTTP/1.1\r\n\r\n", 400,
                    "GET / HTTP/1.1\r\nBad Header\r\n\r\n", 400,
                    "POST /reload-all HTTP/1.1\r\nContent-Length: x\r\n\r\n", 400,
                    "GET / HTTP/1.1\r\nContent-Length: 999999\r\n\r\n", 413,
                    manyHeaders.append("\r\n").toString(), 431,
                    "GET / HTTP/2.0\r\n\r\n", 505,
                    "POST /reload-all HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501);
            for (Map.Entry<String, Integer> bad : expected.entrySet()) {
                Http.Response r = raw(port, bad.getKey());
                String what = bad.getKey().substring(0, Math.min(60, bad.getKey().length())).replace("\r\n", "\\r\\n");
                assertEquals((int) bad.getValue(), r.status(), what);
                assertOneLine(r, what);
            }
            assertTrue(e.isRunning());
            assertEquals(200, StatsHttp.get(port, "/stats").status());
            assertEquals(pid, e.stats().vassal("app1.ini").orElseThrow().pid(), "the vassal never noticed");
        }
    }

    @Test
    void hugeRequestLineSlowClientsAndTenThousandConnectionsLeaveItServing() throws Exception {
        int p1 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("bad-clients").build()) {
            Vassals.python("app1", p1).writeTo(e);
            e.start();
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
            long pid = e.awaitVassal("app1.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();
            int port = e.statsPort();
            double fdsBefore = StatsHttp.value(StatsHttp.samples(StatsHttp.get(port, "/metrics").body()), "emperor_open_fds");

            // 1. a 1 MB request line: 414, and the server goes on
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                s.setSoTimeout(10_000);
                byte[] line = ("GET /" + "a".repeat(1 << 20) + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                ExecutorService writer = Executors.newSingleThreadExecutor();
                Future<?> sent = writer.submit(() -> {
                    try {
                        s.getOutputStream().write(line);
                    } catch (IOException ignored) {
                        // the server may stop reading once it has answered
                    }
                });
                Http.Response r = Http.parse(StatsHttp.readToEof(s.getInputStream()));
                assertEquals(414, r.status(), r.body());
                assertOneLine(r, "1 MB request line");
                sent.get(10, TimeUnit.SECONDS);
                writer.shutdownNow();
            }
            assertEquals(200, StatsHttp.get(port, "/metrics").status());

            // 2. slow clients (a request trickling in, one byte per 100 ms) are cut off at socket-timeout (4 s),
            //    and others are served meanwhile
            int slow = 30;
            byte[] trickle = "GET /metrics HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
            Map<Integer, Long> cutOffAfterMs = new ConcurrentHashMap<>();
            List<Socket> slowSockets = Collections.synchronizedList(new ArrayList<>());
            ScheduledExecutorService pace = Executors.newScheduledThreadPool(2);
            try {
                List<ScheduledFuture<?>> tasks = new ArrayList<>();
                for (int i = 0; i < slow; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    slowSockets.add(s);
                    long connectedAt = System.nanoTime();
                    int id = i;
                    OutputStream out = s.getOutputStream();
                    AtomicInteger next = new AtomicInteger();
                    AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
                    self.set(pace.scheduleAtFixedRate(() -> {
                        try {
                            int k = next.getAndIncrement();
                            out.write(k < trickle.length ? trickle[k] : 'z');
                            out.flush();
                        } catch (IOException closed) {
                            cutOffAfterMs.putIfAbsent(id, (System.nanoTime() - connectedAt) / 1_000_000);
                            throw new IllegalStateException("done"); // ends this periodic task
                        }
                    }, 0, 100, TimeUnit.MILLISECONDS));
                    tasks.add(self.get());
                }
                for (int i = 0; i < 10; i++) {
                    long t0 = System.nanoTime();
                    assertEquals(200, StatsHttp.get(port, "/stats").status());
                    assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "served while slow clients trickle");
                }
                Poll.until(Duration.ofSeconds(15), "every slow client cut off", () -> cutOffAfterMs.size() == slow,
                        () -> "cut off so far: " + cutOffAfterMs + "\n" + e.diagnostics());
                long latest = Collections.max(cutOffAfterMs.values());
                assertTrue(latest < 4000 + 2500, "cut off at socket-timeout (4 s) plus two write rounds: " + cutOffAfterMs);
                assertTrue(Collections.min(cutOffAfterMs.values()) >= 3500, "not before socket-timeout: " + cutOffAfterMs);
                tasks.forEach(t -> t.cancel(true));
            } finally {
                pace.shutdownNow();
                for (Socket s : slowSockets) s.close();
            }

            // 3. 10 000 connections opened and held (idle); the server takes 1024 at a time, closes the others
            int wanted = 10_000;
            long fdLimit = softFdLimit();
            int count = (int) Math.min(wanted, fdLimit - 500);
            assertTrue(count > 2048, "this JVM may open only " + fdLimit + " fds: too few to exceed the server's cap");
            List<Socket> held = Collections.synchronizedList(new ArrayList<>(count));
            AtomicInteger failed = new AtomicInteger();
            ExecutorService connectors = Executors.newFixedThreadPool(16);
            long t0 = System.nanoTime();
            try {
                List<Future<?>> jobs = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    int share = count / 16 + (t < count % 16 ? 1 : 0);
                    jobs.add(connectors.submit(() -> {
                        for (int i = 0; i < share; i++) {
                            Socket s = new Socket();
                            try {
                                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                                held.add(s);
                            } catch (IOException x) {
                                failed.incrementAndGet();
                                try {
                                    s.close();
                                } catch (IOException ignored) {
                                    // nothing to close
                                }
                            }
                        }
                    }));
                }
                for (Future<?> j : jobs) j.get(120, TimeUnit.SECONDS);
                long tookMs = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("[BadRequestsIT] " + held.size() + " of " + count + " connections open ("
                        + failed.get() + " attempts failed) in " + tookMs + " ms");
                assertEquals(count, held.size() + failed.get());
                assertTrue(held.size() > 2048, held.size() + " connections open, " + failed.get() + " failed");
                assertTrue(e.isRunning(), "the daemon survived " + count + " connection attempts");
                // while every one of them is still held open, the daemon serves new clients and its vassal
                e.await(Duration.ofSeconds(20), "stats served with " + held.size() + " idle connections held",
                        () -> StatsHttp.get(port, "/metrics").status() == 200);
                assertTrue(Http.answers(p1, "app1"), "the vassal serves throughout");
            } finally {
                connectors.shutdownNow();
                for (Socket s : held) s.close();
            }
            e.await(Duration.ofSeconds(20), "descriptors back to where they were (" + fdsBefore + ")", () ->
                    StatsHttp.value(StatsHttp.samples(StatsHttp.get(port, "/metrics").body()), "emperor_open_fds")
                            <= fdsBefore + 10);
            Map<String, String> after = StatsHttp.samples(StatsHttp.get(port, "/metrics").body());
            assertTrue(StatsHttp.value(after, "emperor_event_loop_lag_seconds") < 0.5, "the loop was never blocked");
            assertEquals(pid, e.stats().vassal("app1.ini").orElseThrow().pid(), "the vassal never noticed");
            assertFalse(e.logHas("stats server stopped"), "the stats thread survived");
            assertFalse(e.logHas("Exception"), "nothing was thrown");
        }
    }

    /** This JVM's soft RLIMIT_NOFILE (HotSpot raises it to the hard limit on Linux). */
    static long softFdLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return 1024;
    }
}
