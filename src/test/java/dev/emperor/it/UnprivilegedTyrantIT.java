package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.testing.TestUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The unprivileged Tyrant of uWSGI's Emperor.rst (docs/capabilities.md): root starts the Emperor with
 * {@code uid}/{@code gid} of an unprivileged user and {@code cap = setgid,setuid}; it runs as that
 * user, and still runs each vassal as its config's owner, without any capability. Runs the same
 * configuration under {@code uwsgi --emperor} (-Demperor.impl=uwsgi). Root-only (fails under CI=true).
 */
@Timeout(120)
class UnprivilegedTyrantIT {
    TestUsers.User a;
    TestUsers.User b;
    TestUsers.User c;

    @BeforeEach
    void users() {
        a = TestUsers.ensure(TestUsers.A);
        b = TestUsers.ensure(TestUsers.B);
        c = TestUsers.ensure(TestUsers.C);
    }

    static String capEff(long pid) {
        return ProcTree.status(pid, "CapEff").orElseThrow(() -> new AssertionError(pid + " is gone")).trim();
    }

    static String ids(long pid, String field) {
        return ProcTree.status(pid, field).orElseThrow(() -> new AssertionError(pid + " is gone")).replaceAll("\\s+", " ");
    }

    /** CapPrm of each thread of {@code pid} → how many threads have it. */
    static java.util.Map<String, Long> threadCaps(long pid) throws java.io.IOException {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("CapPrm:")) {
                            out.merge(line.substring(7).trim(), 1L, Long::sum);
                        }
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a thread that ended meanwhile
                }
            }
        }
        return out;
    }

    @Test
    void droppedEmperorKeepingSetuidSetgidRunsEachVassalAsItsOwner() throws Exception {
        int pa = Ports.free();
        int pb = Ports.free();
        try (TempEmperor e = TyrantIT.tyrant("tyrant-unprivileged", "uid", TestUsers.C, "gid", TestUsers.C,
                "cap", "setgid,setuid")) {
            TyrantIT.write(e, Vassals.python("ua", pa, "processes = 2"), a);
            TyrantIT.write(e, Vassals.python("ub", pb), b);
            e.start();
            e.awaitAnswer(pa, "ua", TempEmperor.SHORT);
            e.awaitAnswer(pb, "ub", TempEmperor.SHORT);

            // the Emperor itself: the unprivileged user, holding setgid+setuid (bits 6 and 7) and nothing else
            long emperor = e.pid();
            assertEquals(c.uid() + " " + c.uid() + " " + c.uid() + " " + c.uid(), ids(emperor, "Uid"), "Emperor uids");
            assertEquals(c.gid() + " " + c.gid() + " " + c.gid() + " " + c.gid(), ids(emperor, "Gid"), "Emperor gids");
            // capabilities are per thread: a JVM's main Java thread is not the process's first thread, whose
            // status /proc/PID/status shows; every thread holds setgid+setuid (bits 6, 7) or nothing, one holds them
            java.util.Map<String, Long> perThread = threadCaps(emperor);
            System.out.println("[unprivileged-tyrant] " + e.impl() + " Emperor threads by CapPrm: " + perThread);
            assertTrue(perThread.keySet().stream().allMatch(m -> m.equals("00000000000000c0") || m.equals("0000000000000000")),
                    "a thread of the Emperor holds more than setgid,setuid: " + perThread);
            assertTrue(perThread.getOrDefault("00000000000000c0", 0L) >= 1, "no thread kept setgid,setuid: " + perThread);

            int checked = 0;
            for (String[] v : new String[][] {{"ua.ini", "a"}, {"ub.ini", "b"}}) {
                TestUsers.User owner = v[1].equals("a") ? a : b;
                long master = e.awaitVassal(v[0], TempEmperor.SHORT, "listed with a pid", x -> x.pid() > 0).pid();
                List<Long> procs = new java.util.ArrayList<>(List.of(master));
                if (v[0].equals("ua.ini")) {
                    e.await(TempEmperor.SHORT, "ua.ini has its 2 workers", () -> TyrantIT.workers(master).size() == 2);
                    procs.addAll(TyrantIT.workers(master));
                }
                for (long p : procs) {
                    TyrantIT.assertRunsAs(p, owner, v[0] + " process");
                    assertEquals("0000000000000000", capEff(p), v[0] + " process " + p + " must hold no capability");
                    assertEquals("0000000000000000", ProcTree.status(p, "CapPrm").orElseThrow().trim(), v[0] + " CapPrm");
                    if (e.impl() == Impl.OURS) {
                        // ours clears what uWSGI leaves in the inheritable set (harmless there without file caps)
                        assertEquals("0000000000000000", ProcTree.status(p, "CapAmb").orElseThrow().trim(), v[0] + " CapAmb");
                        assertEquals("0000000000000000", ProcTree.status(p, "CapInh").orElseThrow().trim(), v[0] + " CapInh");
                    }
                    checked++;
                }
            }
            assertEquals(4, checked, "processes checked");
            e.awaitLog("\\[emperor-tyrant\\] dropping privileges to " + a.uid() + " " + a.gid() + " for instance ua\\.ini",
                    TempEmperor.SHORT);
        }
    }

    @Test
    void withoutCapTheDroppedTyrantIsRefusedNamingTheCapabilities() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Impl.current() == Impl.OURS, "the refusal wording is ours (uWSGI fails each vassal instead)");
        try (TempEmperor e = TyrantIT.tyrant("tyrant-nocap", "uid", TestUsers.C, "gid", TestUsers.C, "cap", "kill")) {
            Path outFile = e.root().resolve("nocap.out");
            Process p = new ProcessBuilder(e.command()).directory(e.root().toFile()).redirectErrorStream(true)
                    .redirectOutput(outFile.toFile()).start();
            try {
                boolean exited = p.waitFor(30, TimeUnit.SECONDS);
                String out = Files.readString(outFile);
                assertTrue(exited, "still running after 30 s:\n" + out);
                assertEquals(1, p.exitValue(), out);
                assertTrue(out.contains("[emperor] emperor-tyrant (setgid,setuid) need(s) capabilities the Emperor lacks (it runs as uid "
                        + c.uid() + "): start it as root, and if it drops uid/gid keep them with cap = setgid,setuid"), out);
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
