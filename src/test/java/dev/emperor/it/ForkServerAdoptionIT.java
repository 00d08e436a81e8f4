package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Fork-server mode with the stand-in base (5 s preload) and real uWSGI 2.0.21 adopted vassals; one Emperor and
 * one base for the whole class (the preload is paid once), so the steps run in order:
 * two vassals present from the start wait for the base and are adopted (never plain-spawned) well before 5 s
 * after it listens, with their own ports, process counts and users; fd hygiene; a vassal added while the base
 * is ready; touch → reload (re-adoption); {@code kill -9} → re-adoption; removal → gone; SIGTERM → nothing
 * left, the base included.
 */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForkServerAdoptionIT {

    private static final String U1 = "emperor-t1";
    private static final String U2 = "emperor-t2";

    private static ForkServerFixture fs;
    private static TempEmperor e;
    private static final int P1 = Ports.free();
    private static final int P2 = Ports.free();
    private static final int P3 = Ports.free();
    private static long startedNanos;

    @BeforeAll
    static void startEmperorWithWaitingVassals() throws Exception {
        ForkServerFixture.requireOurs();
        ForkServerFixture.ensureUsers(U1, U2);
        fs = ForkServerFixture.create("fs-adoption", ForkServerFixture.PRELOAD_SECONDS);
        e = fs.e;
        ForkServerFixture.vassal("a1", P1, "processes = 4", "uid = " + U1, "gid = " + U1).writeTo(e);
        ForkServerFixture.vassal("a2", P2, "processes = 8", "uid = " + U2, "gid = " + U2).writeTo(e);
        startedNanos = System.nanoTime();
        e.start();
    }

    @AfterAll
    static void stop() {
        if (fs != null) fs.close();
    }

    @Test
    @Order(1)
    void vassalsWaitForTheBaseThenAreAdoptedWellBeforeFiveSeconds() throws Exception {
        String sock = Pattern.quote(fs.socket.toString());
        e.awaitLog("\\[emperor\\] vassal a1\\.ini waits for the fork server on " + sock
                + " \\(base vassal not listening yet\\)", Duration.ofSeconds(5));
        e.awaitLog("\\[emperor\\] vassal a2\\.ini waits for the fork server on " + sock
                + " \\(base vassal not listening yet\\)", Duration.ofSeconds(5));

        // while the base preloads (5 s), nothing runs for them: no pid in the stats
        Stats waiting = e.stats();
        assertFalse(fs.baseListening(), "still preloading (the stats above were taken while nothing listened)");
        for (String id : List.of("a1.ini", "a2.ini")) {
            assertTrue(waiting.vassal(id).filter(v -> v.pid() > 0).isEmpty(),
                    id + " has no process while it waits for the base\n" + waiting.raw());
        }

        long ready = fs.awaitBaseReady(Duration.ofSeconds(30));
        long afterStartMs = (ready - startedNanos) / 1_000_000;
        assertTrue(afterStartMs >= (ForkServerFixture.PRELOAD_SECONDS - 1) * 1000L,
                "the base listens only after its preload (" + afterStartMs + " ms after the Emperor started)");

        e.awaitAnswer(P1, "a1", ForkServerFixture.ADOPT);
        e.awaitAnswer(P2, "a2", ForkServerFixture.ADOPT);
        long bothMs = (System.nanoTime() - ready) / 1_000_000;
        assertTrue(bothMs < 3000, "both adopted vassals answer " + bothMs + " ms after the base listens"
                + " (a plain spawn would pay the base's 5 s load)\n" + e.diagnostics());

        long m1 = fs.awaitAdoptedAndServing("a1.ini", "a1", P1, ForkServerFixture.ADOPT);
        long m2 = fs.awaitAdoptedAndServing("a2.ini", "a2", P2, ForkServerFixture.ADOPT);

        // never plain-spawned: before the base listened no uWSGI instance read a1.ini/a2.ini, each was started
        // exactly once, by the base, and the stats count no respawn
        List<String> lines = e.log().lines(0);
        int baseUp = indexOf(lines, "waiting for fork-socket connections");
        assertTrue(baseUp >= 0, "the base logged that it listens");
        for (String id : List.of("a1.ini", "a2.ini")) {
            Pattern cfg = Pattern.compile("getting INI configuration from " + Pattern.quote(id) + "$");
            assertEquals(-1, indexOf(lines.subList(0, baseUp), cfg.pattern()),
                    id + " was not started before the base listened\n" + e.diagnostics());
            assertEquals(1, e.log().count(0, cfg), id + " started exactly once\n" + e.diagnostics());
        }
        assertTrue(fs.reparentedPids().containsAll(List.of(m1, m2)), "both forked by the base: " + fs.reparentedPids());

        Stats s = e.stats();
        assertEquals(1, s.vassal("a1.ini").orElseThrow().num("adopted"));
        assertEquals(1, s.vassal("a2.ini").orElseThrow().num("adopted"));
        assertEquals(0, s.vassal("a1.ini").orElseThrow().respawns());
        assertEquals(0, s.vassal("a2.ini").orElseThrow().respawns());
        Stats.Vassal base = s.vassal(ForkServerFixture.BASE).orElseThrow();
        assertEquals(0, base.num("adopted"), "the base is spawned plainly");
        assertEquals(e.pid(), ProcTree.ppid(base.pid()).orElseThrow(), "the base is the Emperor's child");

        // processes and users
        checkWorkers(m1, 4, U1);
        checkWorkers(m2, 8, U2);
    }

    @Test
    @Order(2)
    void adoptedMasterHoldsNothingOfTheEmperorOrTheBase() throws Exception {
        long m1 = e.stats().vassal("a1.ini").orElseThrow().pid();
        long basePid = fs.basePid();
        Map<Integer, String> fds = ForkServerFixture.fds(m1);
        Map<Integer, String> emperorFds = ForkServerFixture.fds(e.pid());
        Map<Integer, String> baseFds = ForkServerFixture.fds(basePid);
        String diag = "adopted master " + m1 + " fds " + fds + "\nemperor fds " + emperorFds + "\nbase fds " + baseFds;

        assertEquals("/dev/null", fds.get(0), "fd 0 (the base maps it to /dev/null)\n" + diag);
        assertEquals(emperorFds.get(1), fds.get(1), "fd 1 inherited (the log)\n" + diag);
        assertEquals(emperorFds.get(2), fds.get(2), "fd 2 inherited (the log)\n" + diag);
        int pipe = Integer.parseInt(ForkServerFixture.environ(m1, "UWSGI_EMPEROR_FD")
                .orElseThrow(() -> new AssertionError("no UWSGI_EMPEROR_FD in the environment of " + m1)));
        assertTrue(fds.getOrDefault(pipe, "").startsWith("socket:["), "the emperor pipe fd " + pipe + "\n" + diag);

        // everything the Emperor or the base holds (but the shared log on 1 and 2) must be absent
        Set<String> foreign = new HashSet<>();
        emperorFds.forEach((fd, target) -> {
            if (fd > 2) foreign.add(target);
        });
        baseFds.forEach((fd, target) -> {
            if (fd > 2) foreign.add(target);
        });
        for (Map.Entry<Integer, String> f : fds.entrySet()) {
            int fd = f.getKey();
            String target = f.getValue();
            if (fd <= 2) continue;
            assertTrue(target.startsWith("socket:[") || target.startsWith("anon_inode:") || target.startsWith("pipe:["),
                    "fd " + fd + " -> " + target + " is not one of uWSGI's own sockets/pipes/epoll\n" + diag);
            // socket:[INODE] and pipe:[INODE] name one object; anon_inode:[eventpoll] names a kind, not an object
            if (target.startsWith("anon_inode:")) continue;
            assertFalse(foreign.contains(target), "fd " + fd + " -> " + target
                    + " is shared with the Emperor or the base (leaked)\n" + diag);
        }
    }

    @Test
    @Order(3)
    void vassalAddedWhileTheBaseListensIsAdoptedAtOnce() throws Exception {
        long t0 = System.nanoTime();
        ForkServerFixture.vassal("a3", P3).writeTo(e);
        e.awaitAnswer(P3, "a3", ForkServerFixture.ADOPT);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        fs.awaitAdoptedAndServing("a3.ini", "a3", P3, ForkServerFixture.ADOPT);
        assertFalse(e.logHas("vassal a3\\.ini waits for the fork server"), "the base was listening");
        // README: session 10-35 ms + a trivial uWSGI start 100-250 ms on the reference VM; generous for CI
        assertTrue(ms < 3000, "a3 answered " + ms + " ms after its file appeared");
    }

    @Test
    @Order(4)
    void touchReloadsByReadoption() throws Exception {
        long old = e.stats().vassal("a1.ini").orElseThrow().pid();
        ProcTree.Proc oldMaster = ProcTree.require(old);
        int mark = e.log().mark();
        Path file = e.vassalsDir().resolve("a1.ini");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(2)));

        e.awaitLog(mark, "\\[emperor\\] reload the uwsgi instance a1\\.ini", Duration.ofSeconds(5));
        // exit_on_reload: the adopted instance ends ("GAME OVER") and the Emperor adopts a new one
        e.await(TempEmperor.SHORT, "the reloaded master " + old + " gone", () -> !ProcTree.exists(oldMaster));
        e.awaitVassal("a1.ini", ForkServerFixture.ADOPT, "a new adopted pid",
                v -> v.pid() > 0 && v.pid() != old && v.num("adopted") == 1);
        long fresh = fs.awaitAdoptedAndServing("a1.ini", "a1", P1, ForkServerFixture.ADOPT);
        assertTrue(fresh != old, "a new master");
        checkWorkers(fresh, 4, U1);
    }

    @Test
    @Order(5)
    void killNineReadopts() throws Exception {
        long old = e.stats().vassal("a2.ini").orElseThrow().pid();
        ProcTree.Proc oldMaster = ProcTree.require(old);
        List<ProcTree.Proc> oldWorkers = ProcTree.children(old);
        int mark = e.log().mark();

        assertEquals(0, TempEmperor.kill("KILL", old));

        e.await(TempEmperor.SHORT, "the killed master reaped", () -> !ProcTree.exists(oldMaster));
        e.await(TempEmperor.SHORT, "its orphaned workers gone and reaped: " + oldWorkers,
                () -> oldWorkers.stream().noneMatch(ProcTree::exists));
        e.awaitVassal("a2.ini", ForkServerFixture.ADOPT, "a new adopted pid",
                v -> v.pid() > 0 && v.pid() != old && v.num("adopted") == 1);
        long fresh = fs.awaitAdoptedAndServing("a2.ini", "a2", P2, ForkServerFixture.ADOPT);
        assertTrue(fresh != old);
        assertTrue(e.log().count(mark, Pattern.compile("\\[uwsgi-fork-server\\] connection from pid: " + e.pid()
                + " uid: \\d+ gid:\\d+ fds:\\d+")) >= 1, "re-adopted through a fork-server session\n" + e.diagnostics());
        checkWorkers(fresh, 8, U2);
        assertTrue(Http.answers(P1, "a1"), "a1 untouched");
    }

    @Test
    @Order(6)
    void removalStopsItForGood() throws Exception {
        Stats.Vassal v = e.stats().vassal("a3.ini").orElseThrow();
        ProcTree.Proc master = ProcTree.require(v.pid());
        List<ProcTree.Proc> workers = ProcTree.children(v.pid());
        int mark = e.log().mark();

        Files.delete(e.vassalsDir().resolve("a3.ini"));

        e.awaitLog(mark, "\\[emperor\\] stop the uwsgi instance a3\\.ini", Duration.ofSeconds(5));
        e.awaitLog(mark, "\\[emperor\\] removed uwsgi instance a3\\.ini", TempEmperor.SHORT);
        e.await(TempEmperor.SHORT, "a3's master and workers gone",
                () -> !ProcTree.exists(master) && workers.stream().noneMatch(ProcTree::exists));
        e.awaitStats(Duration.ofSeconds(5), "a3.ini no longer listed", s -> s.vassal("a3.ini").isEmpty());
        assertTrue(Http.tryGet(P3).isEmpty(), "port " + P3 + " closed");
        assertEquals(0, e.log().count(mark, Pattern.compile("getting INI configuration from a3\\.ini")),
                "not re-adopted");
    }

    @Test
    @Order(7)
    void sigtermLeavesNothing() throws Exception {
        Stats s = e.stats();
        List<ProcTree.Proc> procs = new ArrayList<>();
        for (Stats.Vassal v : s.vassals()) {
            procs.add(ProcTree.require(v.pid()));
            procs.addAll(ProcTree.children(v.pid()));
        }
        assertEquals(Set.of(ForkServerFixture.BASE, "a1.ini", "a2.ini"),
                Set.copyOf(s.vassals().stream().map(Stats.Vassal::id).toList()));
        assertTrue(procs.size() >= 1 + 2 + 4 + 8, "base + 2 masters + 12 workers: " + procs);

        e.signal("TERM");

        assertEquals(0, e.awaitExit(Duration.ofSeconds(20)), "exit status after SIGTERM\n" + e.diagnostics());
        e.await(Duration.ofSeconds(5), "the base, the adopted masters and all their workers gone: " + procs,
                () -> procs.stream().noneMatch(ProcTree::running));
        assertTrue(Http.tryGet(P1).isEmpty() && Http.tryGet(P2).isEmpty(), "ports closed");
        assertFalse(fs.baseListening(), "nothing serves the fork-server socket");
    }

    // ---------------------------------------------------------------- helpers

    private static void checkWorkers(long master, int n, String user) throws Exception {
        long[] ug = ForkServerFixture.uidGid(user);
        List<ProcTree.Proc> workers = fs.awaitWorkers(master, n);
        for (long pid : concat(master, workers)) {
            for (long id : ForkServerFixture.ids(pid, "Uid")) assertEquals(ug[0], id, "uid of " + pid + " (" + user + ")");
            for (long id : ForkServerFixture.ids(pid, "Gid")) assertEquals(ug[1], id, "gid of " + pid + " (" + user + ")");
        }
    }

    private static List<Long> concat(long master, List<ProcTree.Proc> workers) {
        List<Long> l = new ArrayList<>();
        l.add(master);
        for (ProcTree.Proc w : workers) l.add(w.pid());
        return l;
    }

    private static int indexOf(List<String> lines, String regex) {
        Pattern p = Pattern.compile(regex);
        for (int i = 0; i < lines.size(); i++) if (p.matcher(lines.get(i)).find()) return i;
        return -1;
    }
}
