package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code emperor-broodlord N} with a real uWSGI vassal that runs a zerg server and asks for
 * reinforcements ({@code vassal-sos}) when its one worker is busy: slow requests on loopback make it
 * send SOS, the Emperor starts {@code NAME:zerg} instances (its config's {@code [zerg]} section,
 * attached to the zerg server) up to N, which serve requests, then go away when idle
 * ({@code die-on-idle}: byte 22) or when the vassal's file is removed. Runs the same configuration
 * under {@code uwsgi --emperor} (-Demperor.impl=uwsgi): uWSGI lists every zerg as {@code NAME:zerg},
 * this daemon the second and later ones as {@code NAME:zerg#2} … (docs/uwsgi-compat.md, "Broodlord").
 */
@Timeout(150)
class BroodlordIT {
    static final int N = 2;

    static String app() {
        return "import os, time\n"
                + "def application(env, start_response):\n"
                + "    time.sleep(float(env.get('QUERY_STRING') or 0))\n"
                + "    start_response('200 OK', [('Content-Type', 'text/plain'), ('X-Worker-Pid', str(os.getpid()))])\n"
                + "    return [b'hello bl']\n";
    }

    static String vassal(Path app, int port, Path zergSocket, int idle) {
        return "[uwsgi]\n"
                + "plugins = python3\nmaster = true\nprocesses = 1\n"
                + "http-socket = 127.0.0.1:" + port + "\n"
                + "zerg-server = " + zergSocket + "\n"
                + "vassal-sos = 1\n"
                + "wsgi-file = " + app + "\n"
                + "\n[zerg]\n"
                + "plugins = python3\nmaster = true\nprocesses = 1\n"
                + "zerg = " + zergSocket + "\n"
                // sockets received from a zerg server speak uwsgi unless told otherwise
                + "protocol = http\n"
                + "wsgi-file = " + app + "\n"
                + "idle = " + idle + "\ndie-on-idle = true\n";
    }

    /** The zerg records of vassal {@code name} in a stats document. */
    static List<Stats.Vassal> zergs(Stats s, String name) {
        return s.vassals().stream().filter(v -> v.id().startsWith(name + ":zerg")).collect(Collectors.toList());
    }

    /** One HTTP/1.0 request for {@code /?SECONDS}: the worker pid that served it. */
    static long slowRequest(int port, double seconds) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET /?" + seconds + " HTTP/1.0\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] b = new byte[4096];
            for (int n; (n = in.read(b)) > 0; ) {
                buf.write(b, 0, n);
            }
            String r = buf.toString(StandardCharsets.ISO_8859_1);
            java.util.regex.Matcher m = Pattern.compile("X-Worker-Pid: (\\d+)").matcher(r);
            if (!r.startsWith("HTTP/1.") || !r.contains(" 200 ") || !m.find()) {
                throw new IOException("unexpected answer: " + r);
            }
            return Long.parseLong(m.group(1));
        }
    }

    /** Starts {@code count} slow requests at once (bounded: one thread each), returns their futures. */
    static List<Future<Long>> load(ExecutorService pool, int port, int count, double seconds) {
        List<Future<Long>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(pool.submit(() -> slowRequest(port, seconds)));
        }
        return out;
    }

    /** A variable of the environment {@code pid} was started with, "" when absent. */
    static String environ(long pid, String key) throws IOException {
        for (String kv : Files.readString(Path.of("/proc/" + pid + "/environ"), StandardCharsets.ISO_8859_1).split("\0")) {
            if (kv.startsWith(key + "=")) {
                return kv.substring(key.length() + 1);
            }
        }
        return "";
    }

    TempEmperor emperor(String name) throws IOException {
        return TempEmperor.prepare(name).option("emperor-broodlord", Integer.toString(N)).build();
    }

    @Test
    void sosStartsZergsUpToNWhichServeAndDieWhenIdle() throws Exception {
        int port = Ports.free();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (TempEmperor e = emperor("broodlord-idle")) {
            Path app = Vassals.writeAtomically(e.appsDir().resolve("bl.py"), app());
            Vassals.writeAtomically(e.vassalsDir().resolve("bl.ini"), vassal(app, port, e.root().resolve("zerg.sock"), 4));
            e.start();
            e.awaitAnswer(port, "bl", TempEmperor.SHORT);
            long master = e.awaitVassal("bl.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();

            // 8 requests of 3 s on one worker: the master is overloaded for several of its 1 s checks
            List<Future<Long>> first = load(pool, port, 8, 3);
            AtomicInteger most = new AtomicInteger();
            Stats full = e.awaitStats(Duration.ofSeconds(20), N + " zerg instances of bl.ini", s -> {
                int n = zergs(s, "bl.ini").size();
                most.accumulateAndGet(n, Math::max);
                return n == N;
            });
            List<Long> zergMasters = new ArrayList<>();
            List<String> broodlordNums = new ArrayList<>();
            for (Stats.Vassal z : zergs(full, "bl.ini")) {
                assertEquals(1, z.num("zerg"), z.toString());
                assertTrue(z.pid() > 0 && z.pid() != master, z.toString());
                zergMasters.add(z.pid());
                // the stats may list a zerg between fork and exec (uWSGI forks, then execs): wait for the exec
                Poll.until(Duration.ofSeconds(5), "zerg " + z.pid() + " reads the [zerg] section of bl.ini (cmdline "
                        + ProcTree.cmdline(z.pid()) + ")", () -> ProcTree.cmdline(z.pid()).contains("bl.ini:zerg"));
                broodlordNums.add(environ(z.pid(), "UWSGI_BROODLORD_NUM"));
            }
            java.util.Collections.sort(broodlordNums);
            assertEquals(List.of("1", "2"), broodlordNums, "UWSGI_BROODLORD_NUM: zerg starts so far");
            // more SOS while N zergs run starts no more: uWSGI's count < N check
            List<Future<Long>> second = load(pool, port, 6, 3);
            java.util.Set<Long> servedBy = new java.util.HashSet<>();
            for (Future<Long> f : first) {
                servedBy.add(f.get(60, TimeUnit.SECONDS));
            }
            for (Future<Long> f : second) {
                servedBy.add(f.get(60, TimeUnit.SECONDS));
                most.accumulateAndGet(zergs(e.stats(), "bl.ini").size(), Math::max);
            }
            assertEquals(N, most.get(), "never more than emperor-broodlord zergs");
            long launches = e.log().count(0, Pattern.compile("\\[emperor\\] going in broodlord mode: launching zergs for bl\\.ini$"));
            System.out.println("[broodlord] " + e.impl() + ": " + launches + " launch lines, requests served by worker pids "
                    + servedBy + ", vassal master " + master + ", zerg masters " + zergMasters);
            assertEquals(N, launches, "one launch line per zerg started");
            assertTrue(servedBy.size() > 1, "the zergs' workers served some of the requests: " + servedBy);

            // idle for 4 s: each zerg sends byte 22 and the Emperor stops and removes it; the vassal stays
            e.awaitStats(Duration.ofSeconds(30), "the idle zergs gone", s -> zergs(s, "bl.ini").isEmpty());
            e.awaitLog("\\[emperor\\] removed uwsgi instance bl\\.ini:zerg", Duration.ofSeconds(5));
            assertEquals(master, e.stats().vassal("bl.ini").orElseThrow().pid(), "the vassal itself keeps running");
            e.holds(Duration.ofSeconds(3), "no zerg comes back without an SOS", () -> zergs(e.stats(), "bl.ini").isEmpty());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void zergsStopWhenTheirVassalsFileIsRemoved() throws Exception {
        int port = Ports.free();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (TempEmperor e = emperor("broodlord-removed")) {
            Path app = Vassals.writeAtomically(e.appsDir().resolve("bl.py"), app());
            Vassals.writeAtomically(e.vassalsDir().resolve("bl.ini"), vassal(app, port, e.root().resolve("zerg.sock"), 120));
            e.start();
            e.awaitAnswer(port, "bl", TempEmperor.SHORT);
            List<Future<Long>> reqs = load(pool, port, 8, 3);
            Stats full = e.awaitStats(Duration.ofSeconds(20), "a zerg of bl.ini", s -> !zergs(s, "bl.ini").isEmpty());
            List<ProcTree.Proc> zergProcs = new ArrayList<>();
            for (Stats.Vassal z : zergs(full, "bl.ini")) {
                zergProcs.add(ProcTree.require(z.pid()));
            }
            for (Future<Long> f : reqs) {
                f.get(60, TimeUnit.SECONDS);
            }
            // a zerg has no file of its own: the next scans must leave it running while bl.ini is there
            e.holds(Duration.ofSeconds(3), "zergs kept by the scans", () -> !zergs(e.stats(), "bl.ini").isEmpty());

            Files.delete(e.vassalsDir().resolve("bl.ini"));
            e.awaitStats(Duration.ofSeconds(30), "bl.ini and its zergs gone",
                    s -> s.vassal("bl.ini").isEmpty() && zergs(s, "bl.ini").isEmpty());
            Poll.until(Duration.ofSeconds(10), "the zerg processes to exit", () -> zergProcs.stream().noneMatch(ProcTree::running));
        } finally {
            pool.shutdownNow();
        }
    }
}
