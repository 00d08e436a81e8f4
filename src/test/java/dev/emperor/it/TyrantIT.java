package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.testing.TestUsers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * emperor-tyrant with real uWSGI vassals whose configs belong to two test users (root-only; CI runs
 * as root). Each vassal's master and workers run as its file's owner with no supplementary groups;
 * a root-owned file and a symlink to another user's file are refused (log line, blacklist entry,
 * state "refused"), never started; a vassal asking for {@code uid = 0} still runs as its owner; a
 * chown stops the vassal and it comes back as the new owner; a SIGKILLed Emperor takes its Tyrant
 * vassals with it (parent-death signal kept after the drop, unlike uWSGI).
 */
@Timeout(120)
class TyrantIT {
    TestUsers.User a;
    TestUsers.User b;

    @BeforeEach
    void users() {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "refusal wording, /vassals and the pdeathsig fix are ours");
        a = TestUsers.ensure(TestUsers.A);
        b = TestUsers.ensure(TestUsers.B);
    }

    /** Writes the app (root-owned, world-readable) and the config owned by {@code owner}. */
    static Path write(TempEmperor e, Vassals.Spec s, TestUsers.User owner) throws IOException {
        Path app = Vassals.writeAtomically(e.appsDir().resolve(s.label() + ".py"), Vassals.app(s.label()));
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rw-r--r--"));
        return TestUsers.writeOwned(e.vassalsDir().resolve(s.fileName()), s.render(e.appsDir()), owner);
    }

    static TempEmperor tyrant(String name, String... options) throws IOException {
        TempEmperor.Builder bld = TempEmperor.prepare(name).option("emperor-tyrant", "true");
        for (int i = 0; i < options.length; i += 2) {
            bld.option(options[i], options[i + 1]);
        }
        TempEmperor e = bld.build();
        TestUsers.openUp(e.root(), e.vassalsDir(), e.appsDir()); // temp dirs are 0700: the users must get in
        return e;
    }

    /** Uid/Gid lines of /proc/PID/status are "real effective saved fs": all four must be the owner's. */
    static void assertRunsAs(long pid, TestUsers.User u, String what) {
        String uid = ProcTree.status(pid, "Uid").orElseThrow(() -> new AssertionError(what + " " + pid + " is gone"));
        String gid = ProcTree.status(pid, "Gid").orElseThrow();
        String groups = ProcTree.status(pid, "Groups").orElseThrow();
        String want = u.uid() + " " + u.uid() + " " + u.uid() + " " + u.uid();
        assertEquals(want, uid.replaceAll("\\s+", " "), what + " " + pid + " uids");
        assertEquals(u.gid() + " " + u.gid() + " " + u.gid() + " " + u.gid(), gid.replaceAll("\\s+", " "), what + " gids");
        assertEquals("", groups, what + " supplementary groups (cleared, as uWSGI's setgroups(0, NULL))");
    }

    static List<Long> workers(long master) {
        return ProcTree.children(master).stream().filter(p -> !p.zombie()).map(ProcTree.Proc::pid).collect(Collectors.toList());
    }

    @Test
    void vassalsRunAsTheirOwnersAndRefusalsAreVisible() throws Exception {
        int pa = Ports.free();
        int pb = Ports.free();
        int pz = Ports.free();
        int pr = Ports.free();
        try (TempEmperor e = tyrant("tyrant-owners")) {
            write(e, Vassals.python("ta", pa, "processes = 2"), a);
            write(e, Vassals.python("tb", pb, "processes = 2"), b);
            write(e, Vassals.python("uidzero", pz, "uid = 0", "gid = 0"), a);
            write(e, Vassals.python("rooted", pr), new TestUsers.User("root", 0, 0));
            // a symlink made by root in the vassal dir to B's config elsewhere: uWSGI would run it as B
            Path elsewhere = Files.createDirectories(e.root().resolve("elsewhere"));
            TestUsers.openUp(elsewhere);
            Path bFile = TestUsers.writeOwned(elsewhere.resolve("stolen.ini"),
                    Vassals.python("stolen", Ports.free()).render(e.appsDir()), b);
            Files.createSymbolicLink(e.vassalsDir().resolve("stolen.ini"), bFile);
            e.start();

            e.awaitAnswer(pa, "ta", TempEmperor.SHORT);
            e.awaitAnswer(pb, "tb", TempEmperor.SHORT);
            Stats s = e.stats();
            assertEquals(1, s.root().num("emperor_tyrant"));
            for (String[] v : new String[][] {{"ta.ini", "a"}, {"tb.ini", "b"}}) {
                TestUsers.User owner = v[1].equals("a") ? a : b;
                long master = e.awaitVassal(v[0], TempEmperor.SHORT, "listed", x -> x.pid() > 0).pid();
                assertRunsAs(master, owner, v[0] + " master");
                e.await(TempEmperor.SHORT, v[0] + " has its 2 workers", () -> workers(master).size() == 2);
                for (long w : workers(master)) {
                    assertRunsAs(w, owner, v[0] + " worker");
                }
                assertEquals(owner.uid(), e.stats().vassal(v[0]).orElseThrow().num("uid"));
            }
            e.awaitLog("\\[emperor-tyrant\\] dropping privileges to " + a.uid() + " " + a.gid() + " for instance ta\\.ini",
                    Duration.ofSeconds(1));

            // uid = 0 in the vassal's own ini: it runs as its owner (uWSGI ignores uid/gid when not root)
            e.awaitAnswer(pz, "uidzero", TempEmperor.SHORT);
            long zMaster = e.stats().vassal("uidzero.ini").orElseThrow().pid();
            assertRunsAs(zMaster, a, "uid=0 vassal master");
            e.await(TempEmperor.SHORT, "uidzero.ini has its 1 worker (processes = 1)", () -> workers(zMaster).size() == 1);
            for (long w : workers(zMaster)) {
                assertRunsAs(w, a, "uid=0 vassal worker");
            }

            // refusals: logged, blacklisted, "refused" in /vassals, never started
            e.awaitLog("^\\[emperor-tyrant\\] invalid permissions for vassal rooted\\.ini$", Duration.ofSeconds(5));
            e.awaitLog("^\\[emperor-tyrant\\] invalid permissions for vassal stolen\\.ini: symlink owned by 0:0 points to a file"
                    + " owned by " + b.uid() + ":" + b.gid(), Duration.ofSeconds(5));
            Stats after = e.awaitStats(Duration.ofSeconds(5), "both refusals blacklisted",
                    st -> st.blacklisted("rooted.ini").isPresent() && st.blacklisted("stolen.ini").isPresent());
            assertFalse(after.vassal("rooted.ini").isPresent(), "uWSGI keeps no record of a refused vassal");
            String listing = StatsHttp.get(e.statsPort(), "/vassals/rooted.ini").body();
            assertTrue(listing.contains("\"state\":\"refused\""), listing);
            String metrics = StatsHttp.get(e.statsPort(), "/metrics").body();
            assertTrue(metrics.contains("emperor_vassals{state=\"refused\"} 2"), metrics);
            assertFalse(Http.tryGet(pr).isPresent(), "the root-owned vassal must not be serving");
            e.holds(Duration.ofMillis(1500), "refusal logged once, not at every scan",
                    () -> e.log().lines(0).stream().filter(l -> l.equals("[emperor-tyrant] invalid permissions for vassal rooted.ini")).count() == 1);

            // no process of any vassal ever ran uwsgi as root (setpriv itself starts as root, then execs)
            int checked = 0;
            for (ProcTree.Proc p : e.seenProcesses()) {
                if (!ProcTree.running(p)) {
                    continue; // gone (or its pid reused): nothing to read
                }
                String comm = ProcTree.read(p.pid()).map(ProcTree.Proc::comm).orElse(""); // now: first seen as setpriv
                if (ProcTree.cmdline(p.pid()).startsWith("uwsgi") || comm.startsWith("uwsgi")) {
                    java.util.Optional<Long> uid = ProcTree.uid(p.pid());
                    if (uid.isPresent()) {
                        assertNotEquals(0L, uid.get(), "uwsgi process " + p + " runs as root");
                        checked++;
                    }
                }
            }
            // ta and tb (master + 2 workers each) and uidzero (master + 1 worker) run now: a loop that found
            // fewer checked nothing worth the name
            System.out.println("[tyrant] " + checked + " live uwsgi processes checked: none runs as root");
            assertTrue(checked >= 6, "only " + checked + " live uwsgi processes checked of " + e.seenProcesses() + "\n" + e.diagnostics());
            // the record works (it holds the running ones) before its silence about the refused ones means anything
            assertTrue(e.vassalsSeenRunning().containsAll(List.of("ta.ini", "tb.ini", "uidzero.ini")), e.vassalsSeenRunning().toString());
            for (String refused : List.of("rooted.ini", "stolen.ini")) {
                assertFalse(e.vassalsSeenRunning().contains(refused), refused + " was listed with a pid in some stats document");
            }

            // the root-owned file handed to A: accepted now, runs as A, blacklist entry gone
            TestUsers.own(e.vassalsDir().resolve("rooted.ini"), a.uid(), a.gid());
            e.awaitAnswer(pr, "rooted", TempEmperor.SHORT);
            assertRunsAs(e.stats().vassal("rooted.ini").orElseThrow().pid(), a, "rooted.ini after chown");
            e.awaitStats(Duration.ofSeconds(5), "rooted.ini off the blacklist", st -> st.blacklisted("rooted.ini").isEmpty());

            // owner change of a running vassal: stopped, then back as the new owner
            long oldMaster = e.stats().vassal("ta.ini").orElseThrow().pid();
            int mark = e.log().mark();
            TestUsers.own(e.vassalsDir().resolve("ta.ini"), b.uid(), b.gid());
            e.awaitLog(mark, "^!!! permissions of file ta\\.ini changed\\. stopping the instance\\.\\.\\. !!!$", TempEmperor.SHORT);
            Stats.Vassal back = e.awaitVassal("ta.ini", TempEmperor.SHORT, "a new master",
                    v -> v.pid() > 0 && v.pid() != oldMaster);
            assertRunsAs(back.pid(), b, "ta.ini after chown to B");
            e.awaitAnswer(pa, "ta", TempEmperor.SHORT);
        }
    }

    @Test
    void anEmperorThatIsNotRootRefusesToStartInTyrantMode() throws Exception {
        try (TempEmperor e = TempEmperor.prepare("tyrant-not-root").option("emperor-tyrant", "true")
                .option("uid", TestUsers.A).option("gid", TestUsers.A).build()) {
            TestUsers.openUp(e.root(), e.vassalsDir());
            // output to a file, not a pipe read to EOF: an Emperor that wrongly starts must fail the bounded wait,
            // not block the test until the class timeout, and is killed in finally
            Path outFile = e.root().resolve("not-root.out");
            Process p = new ProcessBuilder(e.command()).directory(e.root().toFile()).redirectErrorStream(true)
                    .redirectOutput(outFile.toFile()).start();
            try {
                boolean exited = p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
                String out = Files.readString(outFile);
                assertTrue(exited, "the non-root Tyrant Emperor is still running after 30 s:\n" + out);
                assertEquals(1, p.exitValue(), out);
                assertTrue(out.contains("[emperor] emperor-tyrant (setgid,setuid) need(s) capabilities the Emperor lacks (it runs as uid "
                        + a.uid() + "): start it as root, and if it drops uid/gid keep them with cap = setgid,setuid"
                        + " (docs/capabilities.md): refusing to start"), out);
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void sigkilledEmperorTakesItsTyrantVassalsAlong() throws Exception {
        int pa = Ports.free();
        try (TempEmperor e = tyrant("tyrant-pdeathsig")) {
            write(e, Vassals.python("ta", pa, "processes = 2"), a);
            e.start();
            e.awaitAnswer(pa, "ta", TempEmperor.SHORT);
            long master = e.awaitVassal("ta.ini", TempEmperor.SHORT, "listed", v -> v.pid() > 0).pid();
            e.await(TempEmperor.SHORT, "2 workers", () -> workers(master).size() == 2);
            List<ProcTree.Proc> procs = new java.util.ArrayList<>();
            procs.add(ProcTree.require(master));
            workers(master).forEach(w -> procs.add(ProcTree.require(w)));
            assertRunsAs(master, a, "master");

            long killedAt = System.nanoTime();
            TempEmperor.kill("KILL", e.pid());
            // without the parent-death signal a uWSGI master notices the pipe EOF, sleeps 2 s and exits 1
            // (protocol §"What happens when the Emperor dies"): gone well before 2 s means it was SIGKILLed
            Poll.until(Duration.ofMillis(1500), "the Tyrant vassal's processes to die with the Emperor",
                    () -> procs.stream().noneMatch(ProcTree::running));
            long ms = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.println("[tyrant-pdeathsig] vassal master and workers gone " + ms + " ms after SIGKILL of the Emperor");
        }
    }
}
