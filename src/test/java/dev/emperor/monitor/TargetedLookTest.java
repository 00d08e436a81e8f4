package dev.emperor.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.core.EmperorLog;
import dev.emperor.source.LookFailed;
import dev.emperor.source.Monitor;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalNames;
import dev.emperor.source.VassalSource;
import dev.emperor.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The path from an inotify event to a spawn (docs/operations.md, "Fork-server adoption: the daemon's
 * share"): the scan thread looks at the entries the event named and answers at once with a partial
 * result; the full scan of the directory stays the safety net, run at once when the look left a doubt
 * (a named vassal file gone between the event and its stat: not an absence, the directory read says)
 * and on a queue overflow, else at the next period.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TargetedLookTest {

    @Test
    void aNamedEntryThatVanishedIsLeftToTheDirectoryRead(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("new.ini"), "[uwsgi]\nsocket = :0\n");
        DirMonitor m = new DirMonitor(dir, new VassalNames(List.of()), false, List.of(), null);
        ScanResult r = m.lookAt(dir.toRealPath(), List.of("new.ini", "gone.ini", ".new.ini.tmp~"));
        assertTrue(r.ok() && r.partial(), "a targeted look is a partial answer");
        assertEquals(List.of("new.ini"), r.vassals().stream().map(VassalSource::name).toList());
        assertEquals(List.of("gone.ini"), r.lookFailed().stream().map(LookFailed::name).toList(),
                "the vanished vassal file is left to the full scan; a name that is no vassal's is not");
        assertEquals(null, m.lookAt(dir.resolve("elsewhere"), List.of("new.ini")), "only its own directory");
    }

    @Test
    void anOverflowNamesNothingSoTheFullScanRuns() {
        assertEquals(List.of(), Scanner.namedEntries(List.of(event(StandardWatchEventKinds.ENTRY_CREATE, Path.of("a.ini")),
                event(StandardWatchEventKinds.OVERFLOW, null))));
        assertEquals(List.of("a.ini", "b.ini"), Scanner.namedEntries(List.of(
                event(StandardWatchEventKinds.ENTRY_CREATE, Path.of("a.ini")),
                event(StandardWatchEventKinds.ENTRY_DELETE, Path.of("b.ini")))));
    }

    /** A monitor whose targeted look is conclusive unless it is asked about "doubt.ini". */
    static final class Dir implements Monitor {
        final Path dir = Path.of("/v");
        final AtomicInteger scans = new AtomicInteger();
        final AtomicInteger looks = new AtomicInteger();

        @Override
        public String argument() {
            return "/v";
        }

        @Override
        public ScanResult scan() {
            scans.incrementAndGet();
            return new ScanResult("/v", true, null, List.of(), List.of());
        }

        @Override
        public ScanResult lookAt(Path in, Collection<String> names) {
            looks.incrementAndGet();
            List<VassalSource> found = names.stream().filter(n -> !n.equals("doubt.ini"))
                    .map(n -> new VassalSource(n, dir.resolve(n), dir, 1, 0, 0, "/v", Map.of(), null, null)).toList();
            List<LookFailed> open = names.stream().filter(n -> n.equals("doubt.ini"))
                    .map(n -> new LookFailed(n, "left to the full scan", 0)).toList();
            return ScanResult.partial("/v", found, open);
        }
    }

    @Test
    void eventsAreLookedAtFirstAndTheFullScanFollowsOnlyADoubtOrAnOverflow() throws Exception {
        Dir m = new Dir();
        List<String> answers = new CopyOnWriteArrayList<>();
        ScanLane lane = new ScanLane(m, host(), rs -> rs.forEach(r -> answers.add(r.partial()
                ? "look " + r.vassals().stream().map(VassalSource::name).toList() : "scan")),
                new EmperorLog(null, () -> 0L), 600_000, 10_000); // emperor-freq far away: no period in this test
        Thread t = new Thread(lane, "scan /v");
        t.start();
        try {
            Await.until("the first full scan", () -> answers.size() == 1);
            lane.request(m.dir, List.of("new.ini"));
            Await.until("the look", () -> answers.size() == 2);
            lane.request(m.dir, List.of("doubt.ini", "other.ini"));
            Await.until("the doubtful look and the full scan after it", () -> answers.size() == 4);
            lane.request(m.dir, List.of()); // an overflow: nothing named
            Await.until("the full scan", () -> answers.size() == 5);
            assertEquals(List.of("scan", "look [new.ini]", "look [other.ini]", "scan", "scan"), answers,
                    "no full scan after a conclusive look: it waits for the next period");
            assertEquals(2, m.looks.get());
            assertEquals(3, m.scans.get());
        } finally {
            t.interrupt();
            t.join(5000);
        }
        assertFalse(t.isAlive());
    }

    private static ScanLane.Host host() {
        return new ScanLane.Host() {
            @Override
            public boolean closed() {
                return false;
            }

            @Override
            public boolean loopSettled() {
                return true;
            }

            @Override
            public boolean watched(Monitor m) {
                return true;
            }

            @Override
            public ScanResult look(Monitor m, Supplier<ScanResult> what) {
                return what.get();
            }
        };
    }

    private static WatchEvent<Path> event(WatchEvent.Kind<?> kind, Path context) {
        return new WatchEvent<>() {
            @SuppressWarnings("unchecked")
            @Override
            public Kind<Path> kind() {
                return (Kind<Path>) kind;
            }

            @Override
            public int count() {
                return 1;
            }

            @Override
            public Path context() {
                return context;
            }
        };
    }
}
