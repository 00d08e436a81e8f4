package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #5, fd hygiene: "every fd the daemon opens is close-on-exec; a vassal receives exactly
 * stdin/stdout/stderr, its emperor pipe(s) and its on-demand socket".
 * <p>
 * What a vassal receives is recorded at the moment of exec, before uWSGI opens anything of its own: the
 * vassal binary is {@code record_fds.py} (test resource), which writes its fd table and
 * {@code UWSGI_EMPEROR_FD} to {@code fds/PID.txt} and then execs the real uwsgi with the same pid. A plain
 * spawn uses it as {@code binary-path}; an adopted vassal gets it as the binary the fork-server stand-in execs
 * ({@code FORK_SERVER_UWSGI}, the stand-in closes everything but 0-2 and the fds the Emperor sent). Expected:
 * exactly {0, 1, 2, UWSGI_EMPEROR_FD}, fd 0 on /dev/null, 1 and 2 the Emperor's own log, the pipe a socket
 * that the Emperor does not hold itself (its end is another inode). After uWSGI started, the running master and
 * workers hold nothing the Emperor holds either (a weaker check: uWSGI opens sockets of its own).
 * <p>
 * The daemon side: with TCP stats, a UNIX command socket, a running vassal (and in the second test a finished
 * fork-server session) every fd of the daemon above 2 has O_CLOEXEC ({@code /proc/PID/fdinfo} flags 02000000),
 * the JVM's own (jars, /dev/random) and the JDK's (NIO listener, selector eventfd, inotify) included: the
 * daemon marks them after startup. Transient stats connections accepted by the JDK are the exception (not
 * cloexec, short-lived); spawns do not rely on any of this, posix_spawn closes every unmapped fd, which the
 * vassal-side records prove.
 */
@Timeout(60)
class FdHygieneIT {

    private static final String CLOEXEC = "02000000";

    @TempDir
    Path recDir;

    @Test
    void plainSpawnGetsExactlyStdioAndItsPipeAndTheDaemonsFdsAreCloseOnExec() throws Exception {
        Path recorder = installRecorder();
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("fd-plain")
                .option("binary-path", recorder.toString())
                .option("emperor-command-socket", recDir.resolve("cmd.sock").toString())
                .build()) {
            Vassals.python("fdplain", port, "processes = 2").writeTo(e);
            e.start();
            e.awaitAnswer(port, "fdplain", TempEmperor.SHORT);
            long master = e.awaitVassal("fdplain.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();

            Map<Integer, String> emperorFds = ForkServerFixture.fds(e.pid());
            assertExactlyStdioAndPipe(master, emperorFds, e);
            List<ProcTree.Proc> workers = Poll.value(TempEmperor.SHORT, "2 workers of " + master, () -> {
                List<ProcTree.Proc> w = ProcTree.children(master).stream().filter(p -> !p.zombie()).toList();
                return w.size() == 2 ? Optional.of(w) : Optional.empty();
            });
            assertHoldsNothingOfTheEmperor(master, emperorFds, e);
            for (ProcTree.Proc w : workers) assertHoldsNothingOfTheEmperor(w.pid(), emperorFds, e);
            assertTrue(Files.exists(recDir.resolve("cmd.sock")), "the command socket is bound (so its fd is checked)");
            assertDaemonFdsCloseOnExec(e);
        }
    }

    @Test
    void adoptedVassalGetsExactlyStdioAndItsPipeAndTheDaemonStaysCloseOnExec() throws Exception {
        Path recorder = installRecorder();
        int port = Ports.free();
        try (ForkServerFixture fs = ForkServerFixture.create("fd-adopted", 0,
                b -> b.add("env", "FORK_SERVER_UWSGI=" + recorder))) {
            TempEmperor e = fs.e;
            ForkServerFixture.vassal("fdadopted", port, "processes = 2").writeTo(e);
            e.start();
            long master = fs.awaitAdoptedAndServing("fdadopted.ini", "fdadopted", port, ForkServerFixture.ADOPT.plusSeconds(5));

            Map<Integer, String> emperorFds = ForkServerFixture.fds(e.pid());
            assertExactlyStdioAndPipe(master, emperorFds, e);
            assertHoldsNothingOfTheEmperor(master, emperorFds, e);
            for (ProcTree.Proc w : fs.awaitWorkers(master, 2)) assertHoldsNothingOfTheEmperor(w.pid(), emperorFds, e);
            assertDaemonFdsCloseOnExec(e);
        }
    }

    /** Copies record_fds.py into the temp dir (executable), with its fds/ output dir. */
    private Path installRecorder() throws IOException {
        Files.setPosixFilePermissions(recDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = recDir.resolve("record_fds.py");
        try (InputStream in = FdHygieneIT.class.getResourceAsStream("/fdhygiene/record_fds.py")) {
            if (in == null) throw new IllegalStateException("fdhygiene/record_fds.py not on the test classpath");
            Files.write(script, in.readAllBytes());
        }
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(recDir.resolve("fds"));
        return script;
    }

    /** The record_fds.py lines of {@code pid}: "fd N FLAGS TARGET" and "env VAR VALUE". */
    private List<String> record(long pid, TempEmperor e) {
        Path f = recDir.resolve("fds").resolve(pid + ".txt");
        e.await(Duration.ofSeconds(5), "the exec-time fd record of " + pid + " (" + f + ")", () -> Files.exists(f));
        try {
            return Files.readAllLines(f);
        } catch (IOException ex) {
            throw new AssertionError(ex);
        }
    }

    private void assertExactlyStdioAndPipe(long pid, Map<Integer, String> emperorFds, TempEmperor e) {
        List<String> rec = record(pid, e);
        Map<Integer, String> fds = new TreeMap<>();
        int pipe = -1;
        String config = "";
        for (String line : rec) {
            String[] p = line.split(" ", 4);
            if (p[0].equals("fd")) fds.put(Integer.parseInt(p[1]), p[3]);
            if (p[0].equals("env") && p[1].equals("UWSGI_EMPEROR_FD")) pipe = Integer.parseInt(p[2]);
            if (p[0].equals("env") && p[1].equals("UWSGI_EMPEROR_FD_CONFIG")) config = p.length > 2 ? p[2] : "";
        }
        String diag = "vassal " + pid + " at exec: " + rec + "\nemperor fds " + emperorFds;
        assertTrue(pipe > 2, "UWSGI_EMPEROR_FD names an fd above 2\n" + diag);
        assertEquals("", config, "no config pipe for a file vassal\n" + diag);
        assertEquals(Set.of(0, 1, 2, pipe), fds.keySet(), "exactly stdin/stdout/stderr and the emperor pipe\n" + diag);
        assertEquals("/dev/null", fds.get(0), "stdin\n" + diag);
        assertEquals(emperorFds.get(1), fds.get(1), "stdout is the Emperor's log\n" + diag);
        assertEquals(emperorFds.get(2), fds.get(2), "stderr is the Emperor's log\n" + diag);
        assertTrue(fds.get(pipe).startsWith("socket:["), "the emperor pipe is a socket\n" + diag);
        assertFalse(emperorFds.containsValue(fds.get(pipe)), "the vassal's end is not the Emperor's end\n" + diag);
    }

    /** Every fd above 2 of a running uWSGI process: none is an object the Emperor holds (the log on 1/2 aside). */
    private static void assertHoldsNothingOfTheEmperor(long pid, Map<Integer, String> emperorFds, TempEmperor e) {
        Set<String> emperorObjects = new HashSet<>();
        emperorFds.forEach((fd, target) -> {
            // anon_inode:[eventpoll] names a kind, not an object; files (jars) are checked by name anyway
            if (fd > 2 && !target.startsWith("anon_inode:")) emperorObjects.add(target);
        });
        Map<Integer, String> fds = ForkServerFixture.fds(pid);
        for (Map.Entry<Integer, String> f : fds.entrySet()) {
            if (f.getKey() <= 2) continue;
            assertFalse(emperorObjects.contains(f.getValue()), "process " + pid + " fd " + f.getKey() + " -> "
                    + f.getValue() + " is held by the Emperor too (leaked)\n" + fds + "\nemperor " + emperorFds
                    + "\n" + e.diagnostics());
        }
    }

    /** Polls (a stats connection may still be closing) until every daemon fd above 2 is close-on-exec. */
    private static void assertDaemonFdsCloseOnExec(TempEmperor e) {
        long pid = e.pid();
        String[] last = {""};
        Poll.until(Duration.ofSeconds(3), "every fd of the daemon above 2 close-on-exec", () -> {
            StringBuilder bad = new StringBuilder();
            int checked = 0;
            for (Map.Entry<Integer, String> f : ForkServerFixture.fds(pid).entrySet()) {
                if (f.getKey() <= 2) continue;
                Optional<String> flags = fdFlags(pid, f.getKey());
                if (flags.isEmpty()) continue; // closed meanwhile
                checked++;
                if (!hasCloexec(flags.get())) bad.append(f.getKey()).append(" -> ").append(f.getValue())
                        .append(" flags ").append(flags.get()).append("; ");
            }
            last[0] = bad.toString();
            if (checked < 8) throw new Poll.Abort("only " + checked + " fds above 2: not a running daemon?");
            return bad.length() == 0;
        }, () -> "  not close-on-exec: " + last[0] + "\n" + e.diagnostics());
    }

    static Optional<String> fdFlags(long pid, int fd) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "fdinfo", Integer.toString(fd)))) {
                if (l.startsWith("flags:")) return Optional.of(l.substring(6).trim());
            }
        } catch (IOException ex) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static boolean hasCloexec(String octalFlags) {
        return (Long.parseLong(octalFlags, 8) & Long.parseLong(CLOEXEC, 8)) != 0;
    }
}
