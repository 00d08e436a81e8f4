package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Emperor runs out of file descriptors (issue 10, docs/reliability.md). Two python vassals serve; then the
 * daemon's RLIMIT_NOFILE is lowered (prlimit --pid, set to the fds it holds plus {@value #HEADROOM}) and
 * {@value #EXTRAS} more vassal files appear: a few start, the others cannot get their pipe (socketpair fails
 * with EMFILE) and, once the last fd is taken, neither the directory nor the files can be opened. The Emperor
 * must stay up, keep the two vassals (same master pids, still answering), keep its stats readable, say why in
 * one log line, start the waiting vassals once fds come free (the running extras are removed), and after all
 * extras are removed run exactly the two vassals again. The limit is set on the running daemon rather than
 * at launch so that the same headroom applies to both implementations, whose fd counts at rest differ.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ResourceExhaustionIT {

    private static final int EXTRAS = 12;
    private static final int HEADROOM = 6;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void outOfFdsKeepsRunningVassalsAndStatsLogsOnceAndStartsTheRestWhenFdsComeBack() throws Exception {
        int[] ports = {Ports.free(), Ports.free()};
        try (TempEmperor e = TempEmperor.prepare("resource-exhaustion").build()) {
            for (int i = 0; i < ports.length; i++) Vassals.python("orig" + i, ports[i]).writeTo(e);
            e.start();
            Map<String, Long> pids = new HashMap<>();
            for (int i = 0; i < ports.length; i++) {
                e.awaitAnswer(ports[i], "orig" + i, TempEmperor.SHORT);
                pids.put("orig" + i + ".ini", e.awaitVassal("orig" + i + ".ini", TempEmperor.SHORT, "runs", v -> v.pid() > 0).pid());
            }
            long inUse = openFds(e.pid());
            long limit = inUse + HEADROOM;
            prlimit(e.pid(), limit);
            int mark = e.log().mark();

            for (int i = 0; i < EXTRAS; i++) {
                Vassals.writeAtomically(e.vassalsDir().resolve(String.format("x%02d.ini", i)),
                        "[uwsgi]\nhttp-socket = 127.0.0.1:0\nmaster = true\nprocesses = 1\n");
            }
            if (e.impl() == Impl.OURS) {
                e.awaitLog(mark, "out of file descriptors \\(\\d+ in use, limit " + limit + "\\)", WAIT);
            } else {
                e.awaitLog(mark, "Too many open files", WAIT); // uWSGI: "socketpair(): Too many open files [core/emperor.c ...]"
            }
            int[] statsReads = {0, 0};
            e.holds(Duration.ofSeconds(4), "the Emperor up, the two vassals kept and serving", () -> {
                statsReads[0]++;
                if (e.tryStats().isPresent()) statsReads[1]++;
                for (int i = 0; i < ports.length; i++) {
                    if (!Http.answers(ports[i], "orig" + i)) return false;
                }
                return e.isRunning() && ProcTree.running(pids.get("orig0.ini")) && ProcTree.running(pids.get("orig1.ini"));
            });
            Stats during = e.stats();
            for (Map.Entry<String, Long> p : pids.entrySet()) {
                assertEquals(p.getValue(), during.vassal(p.getKey()).orElseThrow().pid(), p.getKey() + " kept its master");
            }
            Set<String> runningExtras = during.vassals().stream().filter(v -> v.id().startsWith("x") && v.pid() > 0)
                    .map(Stats.Vassal::id).collect(Collectors.toSet());
            String why = e.log().lines(mark).stream().filter(l -> l.contains("out of file descriptors (")).collect(Collectors.joining("\n"));
            long whyLines = e.log().lines(mark).stream().filter(l -> l.contains("out of file descriptors (")).count();
            long emfileLines = e.log().lines(mark).stream().filter(l -> l.contains("errno 24") || l.contains("Too many open files")).count();
            long metric = e.impl() == Impl.OURS ? metric(e.statsPort(), "emperor_resource_errors_total{kind=\"emfile\"}") : -1;
            System.out.println("[ResourceExhaustionIT] " + e.impl() + ": limit " + limit + " (" + inUse + " in use at rest); "
                    + runningExtras.size() + " of " + EXTRAS + " extras started; stats read " + statsReads[1] + "/" + statsReads[0]
                    + " times while out of fds; 'out of file descriptors' lines: " + whyLines + "; lines naming EMFILE: "
                    + emfileLines + "; emfile errors counted: " + metric);
            if (e.impl() == Impl.OURS) {
                assertEquals(1, whyLines, "one line says why, not one per file:\n" + why);
                assertEquals(statsReads[0], statsReads[1], "the stats answered every time while out of fds");
                assertTrue(metric > 0, "emperor_resource_errors_total{kind=\"emfile\"} " + metric);
                assertFalse(e.log().find(mark, Pattern.compile("stop the uwsgi instance orig")).isPresent(), "no original stopped");
                assertFalse(e.log().find(mark, Pattern.compile("skipping .* not readable")).isPresent(), "a failed look is no skip");
            }
            assertTrue(runningExtras.size() < EXTRAS, "some extras must wait, or the limit did not bite: " + runningExtras);

            // fds come free: the running extras go, and the waiting ones start without a penalty
            for (String id : runningExtras) Files.delete(e.vassalsDir().resolve(id));
            Stats retried = e.awaitStats(WAIT, "a waiting extra started", s -> s.vassals().stream()
                    .anyMatch(v -> v.id().startsWith("x") && v.pid() > 0 && !runningExtras.contains(v.id())));
            long blacklisted = retried.blacklist().stream().filter(b -> b.id().startsWith("x")).count();
            System.out.println("[ResourceExhaustionIT] " + e.impl() + ": extras blacklisted after the retry: " + blacklisted);
            if (e.impl() == Impl.OURS) {
                assertEquals(0, blacklisted, "no penalty for the Emperor's shortage: " + retried.raw());
            }

            try (var files = Files.list(e.vassalsDir())) {
                for (Path p : files.filter(p -> p.getFileName().toString().startsWith("x")).toList()) Files.delete(p);
            }
            Stats after = e.awaitStats(WAIT, "only the two vassals, running",
                    s -> s.vassals().size() == ports.length && s.vassals().stream().allMatch(v -> v.pid() > 0));
            for (Map.Entry<String, Long> p : pids.entrySet()) {
                assertEquals(p.getValue(), after.vassal(p.getKey()).orElseThrow().pid(), p.getKey() + " kept its master throughout");
            }
            for (int i = 0; i < ports.length; i++) assertTrue(Http.answers(ports[i], "orig" + i));
            if (e.impl() == Impl.OURS) e.awaitLog(mark, "out of file descriptors: cleared", WAIT);
            assertTrue(e.isRunning());
        }
    }

    /** Entries of /proc/PID/fd. */
    static long openFds(long pid) {
        String[] fds = Path.of("/proc", Long.toString(pid), "fd").toFile().list();
        return fds == null ? -1 : fds.length;
    }

    /** Sets the soft and hard RLIMIT_NOFILE of a running process we started. */
    static void prlimit(long pid, long limit) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--nofile=" + limit + ":" + limit)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "prlimit failed: " + out);
    }

    /** One sample of the /metrics text, -1 when absent. */
    static long metric(int port, String series) throws IOException {
        for (String line : StatsHttp.get(port, "/metrics").body().split("\n")) {
            if (line.startsWith(series + " ")) return (long) Double.parseDouble(line.substring(series.length() + 1));
        }
        return -1;
    }
}
