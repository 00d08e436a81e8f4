package dev.emperor.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.core.Blacklist;
import dev.emperor.core.EmperorLog;
import dev.emperor.core.EmperorLoop;
import dev.emperor.core.EmperorSnapshot;
import dev.emperor.core.FakeStarters;
import dev.emperor.core.Lifecycle;
import dev.emperor.core.LoopImage;
import dev.emperor.core.LoopSettings;
import dev.emperor.core.SnapshotFactory;
import dev.emperor.core.TestLoops;
import dev.emperor.core.VassalView;
import dev.emperor.internal.FakeNative;
import dev.emperor.protocol.PipeByte;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalSource;
import dev.emperor.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Capture → state document → restore (docs/upgrade.md): a second loop rebuilt from the document of
 * the first holds equal records, blacklist and counters, watches the same fds and reaps the same pids.
 * A fake clock (both loops read the same instant) and FakeNative (both share its fds and children).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class StateRoundTripTest {
    final FakeNative nat = new FakeNative();
    final AtomicLong clock = new AtomicLong(5_000_000);
    final List<Thread> threads = new ArrayList<>();
    final List<EmperorLoop> loops = new ArrayList<>();

    EmperorLoop loop() {
        EmperorLog log = EmperorLog.standard();
        EmperorLoop loop = new EmperorLoop(new LoopSettings(new Lifecycle.Settings(1000, 30_000, false, false), 2000, 4000, 42,
                name -> false), TestLoops.parts(nat, FakeStarters.plain(nat), log, clock::get, new Blacklist(1000, 180_000, log),
                new SnapshotFactory("test", 4242, 0, 0, "/v", List.of("/v"), false), () -> { }));
        loops.add(loop);
        return loop;
    }

    void run(EmperorLoop loop) {
        Thread t = new Thread(loop::run, "test-loop");
        threads.add(t);
        t.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        thawed.countDown();
        for (int i = 0; i < threads.size(); i++) {
            EmperorLoop l = loops.get(i);
            l.execute(l::ragnarok);
            for (int round = 0; round < 100 && threads.get(i).isAlive(); round++) {
                clock.addAndGet(10_000); // past reload-mercy on the fake clock
                l.execute(() -> { });
                threads.get(i).join(100);
            }
        }
    }

    static VassalSource file(String name, long mtime) {
        return new VassalSource(name, Path.of("/v", name), Path.of("/v"), mtime, 33, 44, "/v", Map.of("color", "red"), null, null);
    }

    final java.util.concurrent.CountDownLatch thawed = new java.util.concurrent.CountDownLatch(1);

    /** Captures on the loop thread, which then handles nothing more (as the exec ends it) until the test ends. */
    LoopImage capture(EmperorLoop loop) throws Exception {
        CompletableFuture<LoopImage> f = new CompletableFuture<>();
        loop.execute(() -> {
            f.complete(loop.capture());
            try {
                thawed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return f.get(5, TimeUnit.SECONDS);
    }

    static VassalView vassal(EmperorSnapshot s, String id) {
        return s.vassals().stream().filter(v -> v.id().equals(id)).findFirst().orElse(null);
    }

    @Test
    void aResumedLoopHoldsTheSameRecords() throws Exception {
        EmperorLoop old = loop();
        run(old);
        VassalSource cfg = VassalSource.ofConfig("c.ini", "[uwsgi]\n".getBytes(StandardCharsets.UTF_8), Path.of("/v"), 7, 0, 0, "/v", null);
        old.execute(() -> old.applyScan(List.of(new ScanResult("/v", true, null,
                List.of(file("a.ini", 1_000_000_000L), file("b.ini", 2_000_000_123L), cfg), List.of()))));
        Await.until("three running", () -> old.snapshot().vassals().size() == 3
                && old.snapshot().vassals().stream().allMatch(v -> v.pid() > 0));
        int pipeA = 50; // FakeNative numbers fds from 50: a's socketpair is 50 (ours) / 51
        int pidA = vassal(old.snapshot(), "a.ini").pid();
        nat.vassalWrites(pipeA, PipeByte.LOYAL);
        Await.until("a loyal", () -> vassal(old.snapshot(), "a.ini").loyal());

        LoopImage taken = capture(old);
        List<LoopImage.BlacklistImage> black = List.of(new LoopImage.BlacklistImage("bad.ini", 3000, 2,
                4_000_000_000_000L, 4_000_500_000_000L, false, true));
        Map<String, Long> counters = new HashMap<>(taken.counters());
        counters.put("kills", 7L);
        counters.put("resource_errors.emfile", 3L);
        LoopImage image = new LoopImage(taken.vassals(), black, counters);

        byte[] doc = HandOverJson.write(StateCapture.handOver(image, "0.9.0", Map.of("stats", 9), 123_456L));
        HandOver read = HandOverJson.read(doc);
        assertEquals(1, read.upgrades());
        assertEquals("0.9.0", read.fromVersion());
        assertEquals(Map.of("stats", 9), read.listeners());

        EmperorLoop resumed = loop();
        assertEquals(3, resumed.resume(StateRestore.loopImage(read)));
        LoopImage again = resumed.capture();
        assertTrue(again.vassals().stream().allMatch(v -> v.flags().get(LoopImage.EARLIER_GENERATION)),
                "the resumed processes are marked as handed over (their parent thread is not the loop thread)");
        assertEquals(sorted(image.vassals()), sorted(withoutGeneration(again.vassals())), "every record, field by field");
        assertEquals(black, again.blacklist());
        Map<String, Long> expected = new HashMap<>(counters);
        expected.put("upgrades", 1L);
        assertEquals(expected, again.counters());

        EmperorSnapshot s = resumed.snapshot();
        assertEquals(1, s.loop().upgrades());
        assertEquals(7, s.loop().kills());
        assertEquals(3L, s.loop().resourceErrors().get("emfile"));
        assertEquals(pidA, vassal(s, "a.ini").pid());
        assertTrue(vassal(s, "a.ini").loyal());
        assertEquals(2, vassal(s, "b.ini").lastMod(), "the file's mtime crosses as it is");
        assertEquals("red", vassal(s, "a.ini").attrs().get("color"));
        assertEquals(List.of("bad.ini"), s.blacklist().stream().map(b -> b.id()).toList());
        assertTrue(nat.isPolled(pipeA), "the pipe is watched by the new loop");

        // the resumed loop governs: a vassal that exits is reaped and respawned by it
        run(resumed);
        int spawnsBefore = nat.spawns.size();
        nat.vassalClosesPipe(pipeA);
        nat.vassalExits(pidA, 1);
        Await.until("reaped by the new loop", () -> vassal(resumed.snapshot(), "a.ini") == null
                || vassal(resumed.snapshot(), "a.ini").pid() != pidA);
        clock.addAndGet(5_000);
        Await.until("respawned by the new loop", () -> nat.spawns.size() > spawnsBefore
                && vassal(resumed.snapshot(), "a.ini") != null && vassal(resumed.snapshot(), "a.ini").pid() > 0
                && vassal(resumed.snapshot(), "a.ini").pid() != pidA);
        LoopImage later = capture(resumed);
        assertEquals(List.of(false, true), later.vassals().stream().filter(v -> !v.name().equals("c.ini"))
                .sorted(java.util.Comparator.comparing(LoopImage.VassalImage::name))
                .map(v -> v.flags().getOrDefault(LoopImage.EARLIER_GENERATION, false)).toList(),
                "a.ini's new process was spawned by the new loop; b.ini still runs the handed-over one");
    }

    @Test
    void aCorruptDocumentLeavesTheManifest() throws Exception {
        EmperorLoop old = loop();
        run(old);
        old.execute(() -> old.applyScan(List.of(new ScanResult("/v", true, null, List.of(file("a.ini", 1_000_000_000L)), List.of()))));
        Await.until("running", () -> old.snapshot().vassals().size() == 1 && old.snapshot().vassals().get(0).pid() > 0);
        HandOver h = StateCapture.handOver(capture(old), "0.9.0", Map.of("stats", 9), 1);
        byte[] doc = HandOverJson.write(h);
        byte[] cut = java.util.Arrays.copyOf(doc, doc.length / 2);
        assertThrows(HandOverException.class, () -> HandOverJson.read(cut));

        int pid = old.snapshot().vassals().get(0).pid();
        List<StateRestore.ManifestEntry> m = StateRestore.manifest(StateCapture.manifest(h));
        assertEquals(List.of(new StateRestore.ManifestEntry(50, pid, "a.ini"), new StateRestore.ManifestEntry(9, 0, "stats")), m);

        EmperorLoop blind = loop();
        m.stream().filter(e -> e.pid() > 0).forEach(e -> blind.resumeBlind(e.name(), e.pid(), e.fd()));
        LoopImage img = blind.capture();
        assertEquals(1, img.vassals().size());
        assertEquals("RUNNING", img.vassals().get(0).state());
        assertEquals((long) pid, img.vassals().get(0).numbers().get("pid"));
        // the first scan that lists it gives it its source, without a reload (its mtime is taken as it is)
        run(blind);
        blind.execute(() -> blind.applyScan(List.of(new ScanResult("/v", true, null, List.of(file("a.ini", 1_000_000_000L)), List.of()))));
        Await.until("claimed", () -> vassal(blind.snapshot(), "a.ini") != null && vassal(blind.snapshot(), "a.ini").lastMod() == 1);
        assertTrue(nat.calls.stream().noneMatch(c -> c.equals("write 50 1")), "no reload byte: " + nat.calls);
    }

    static List<LoopImage.VassalImage> withoutGeneration(List<LoopImage.VassalImage> l) {
        return l.stream().map(v -> {
            Map<String, Boolean> flags = new HashMap<>(v.flags());
            flags.remove(LoopImage.EARLIER_GENERATION);
            return new LoopImage.VassalImage(v.name(), v.monitor(), v.state(), v.fds(), v.numbers(), flags, v.texts());
        }).toList();
    }

    static List<LoopImage.VassalImage> sorted(List<LoopImage.VassalImage> l) {
        return l.stream().sorted(java.util.Comparator.comparing(LoopImage.VassalImage::name)).toList();
    }

    /** An on-demand hook running at the exec (its socket unwatched meanwhile): its result is lost, the socket is watched. */
    @Test
    void aSleepingVassalWhoseHookWasRunningIsWatchedAgain() {
        int listen = 77;
        LoopImage.VassalImage asleep = new LoopImage.VassalImage("od.ini", "/v", "ON_DEMAND", Map.of("listen", listen),
                Map.of("pid", -1L), Map.of("listen_watched", false), Map.of("socket_name", "127.0.0.1:9999",
                "source_path", "/v/od.ini", "source_cwd", "/v"));
        EmperorLoop resumed = loop();
        assertEquals(1, resumed.resume(new LoopImage(List.of(asleep), List.of(), Map.of())));
        assertTrue(nat.isPolled(listen), "the sleeping vassal's socket is watched again");
    }
}
