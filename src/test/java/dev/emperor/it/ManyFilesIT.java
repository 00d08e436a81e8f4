package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10 000 vassal files appearing at once (issue #5). They are real vassal configs, but
 * {@code emperor-wait-for-command} keeps them suspended (nothing is spawned for them), while three real uWSGI
 * vassals written in the same burst are listed in {@code emperor-wait-for-command-ignore} and must start. The
 * burst writes ~20 000 inotify events, more than the default queue (16 384): the Emperor must fall back to a
 * full scan (every scan is one) and lose no file. Then all 10 000 are deleted in one go. Throughout, the Emperor
 * stays up, the real vassals keep their pids, and the time to settle and the daemon's peak RSS are printed.
 */
@Timeout(120)
class ManyFilesIT {

    private static final int N = 10_000;
    private static final Duration SETTLE = Duration.ofSeconds(45);

    @Test
    void tenThousandFilesAtOnceAreAllSeenAndTheRealOnesStart() throws Exception {
        int[] ports = {Ports.free(), Ports.free(), Ports.free()};
        Path sockDir = Files.createTempDirectory("emperor-it-many-cmd");
        try {
            run(ports, sockDir.resolve("cmd.sock"));
        } finally {
            TempEmperor.deleteTree(sockDir);
        }
    }

    private static void run(int[] ports, Path sock) throws Exception {
        TempEmperor.Builder b = TempEmperor.prepare("many-files")
                .option("emperor-command-socket", sock.toString())
                .option("emperor-wait-for-command", "true");
        for (int i = 0; i < ports.length; i++) b.add("emperor-wait-for-command-ignore", "real" + i + ".ini");
        try (TempEmperor e = b.build()) {
            e.start();
            long hwm0 = HostileFilesIT.kb(e.pid(), "VmHWM");
            Path dir = e.vassalsDir();
            for (int i = 0; i < ports.length; i++) Files.writeString(e.appsDir().resolve("real" + i + ".py"), Vassals.app("real" + i));

            long t0 = System.nanoTime();
            for (int i = 0; i < N; i++) {
                // plain create + write (2 events each), not the atomic rename: the point is the event flood
                Files.writeString(dir.resolve(String.format("s%05d.ini", i)),
                        "[uwsgi]\nplugins = python3\nhttp-socket = 127.0.0.1:1\n");
                if (i % (N / ports.length) == 0 && i / (N / ports.length) < ports.length) {
                    int r = i / (N / ports.length);
                    Vassals.python("real" + r, ports[r]).writeTo(e);
                }
            }
            long writtenMs = ms(t0);
            for (int r = 0; r < ports.length; r++) e.awaitAnswer(ports[r], "real" + r, SETTLE);
            long realMs = ms(t0);
            Stats all = e.awaitStats(SETTLE, "all " + (N + ports.length) + " vassals listed",
                    s -> s.vassals().size() == N + ports.length);
            long listedMs = ms(t0);
            long suspended = all.vassals().stream().filter(v -> v.id().startsWith("s") && v.num("suspended") == 1
                    && v.pid() <= 0).count();
            assertEquals(N, suspended, "every burst file listed, suspended, not spawned");
            Map<String, Long> realPids = new HashMap<>();
            for (int r = 0; r < ports.length; r++) realPids.put("real" + r + ".ini", all.vassal("real" + r + ".ini").orElseThrow().pid());
            long hwm1 = HostileFilesIT.kb(e.pid(), "VmHWM");

            long t1 = System.nanoTime();
            for (int i = 0; i < N; i++) Files.delete(dir.resolve(String.format("s%05d.ini", i)));
            e.awaitStats(SETTLE, "only the real vassals left", s -> s.vassals().size() == ports.length);
            long deletedMs = ms(t1);

            for (Map.Entry<String, Long> p : realPids.entrySet()) {
                assertEquals(p.getValue(), e.stats().vassal(p.getKey()).orElseThrow().pid(), p.getKey() + " kept its pid");
            }
            for (int r = 0; r < ports.length; r++) assertTrue(Http.answers(ports[r], "real" + r));
            assertTrue(e.isRunning());
            assertTrue(ProcTree.descendants(e.pid()).size() <= ports.length * 2, "only the real vassals run: "
                    + ProcTree.descendants(e.pid()));
            System.out.println("[ManyFilesIT] " + N + " files written in " + writtenMs + " ms; real vassals answering at "
                    + realMs + " ms; all listed at " + listedMs + " ms; all deleted -> gone in " + deletedMs
                    + " ms; emperor peak RSS " + hwm0 / 1024 + " -> " + hwm1 / 1024 + " MB");
        }
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
