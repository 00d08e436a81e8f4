package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A spawn that fails through a real process limit (issue 10, docs/reliability.md): the Emperor is moved into a
 * pids cgroup (v1, /sys/fs/cgroup/pids; root ignores RLIMIT_NPROC, a cgroup applies to root too) whose
 * pids.max leaves room for two more processes; of six single-process vassals two start and posix_spawn
 * (clone) fails with EAGAIN for the others. The Emperor must stay up, keep the vassal that ran before, not
 * blacklist the waiting ones, and start them once the limit is lifted. Needs root and a pids cgroup: in CI
 * (CI=true) their absence fails the test.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProcessLimitIT {

    private static final Path PIDS = Path.of("/sys/fs/cgroup/pids");
    private static final int EXTRAS = 6;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void spawnsFailingWithEagainWaitAndStartOnceTheLimitIsLifted() throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        if (!Files.isWritable(PIDS)) {
            assertTrue(!ci, "a writable pids cgroup hierarchy is needed at " + PIDS);
            org.junit.jupiter.api.Assumptions.abort("no writable pids cgroup at " + PIDS);
        }
        Path group = PIDS.resolve("emperor-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectory(group);
        try {
            run(group);
        } finally {
            Files.writeString(group.resolve("pids.max"), "max");
            Poll.until(Duration.ofSeconds(10), "the cgroup emptied",
                    () -> Files.readString(group.resolve("cgroup.procs")).isBlank());
            Files.delete(group);
        }
    }

    private static void run(Path group) throws Exception {
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("process-limit").build()) {
            Vassals.python("orig", port).writeTo(e);
            e.start();
            e.awaitAnswer(port, "orig", TempEmperor.SHORT);
            long origPid = e.awaitVassal("orig.ini", TempEmperor.SHORT, "runs", v -> v.pid() > 0).pid();
            Files.writeString(group.resolve("cgroup.procs"), Long.toString(e.pid()));
            long current = Long.parseLong(Files.readString(group.resolve("pids.current")).trim());
            Files.writeString(group.resolve("pids.max"), Long.toString(current + 2));
            int mark = e.log().mark();

            for (int i = 0; i < EXTRAS; i++) {
                // one process each (no master): every start costs exactly one pid of the cgroup
                Vassals.writeAtomically(e.vassalsDir().resolve("p" + i + ".ini"), "[uwsgi]\nhttp-socket = 127.0.0.1:0\n");
            }
            String why = e.awaitLog(mark, e.impl() == Impl.OURS ? "cannot create more processes \\(EAGAIN\\)"
                    : "fork\\(\\)|Resource temporarily unavailable", WAIT);
            e.holds(Duration.ofSeconds(3), "the Emperor up and orig kept",
                    () -> e.isRunning() && ProcTree.running(origPid) && Http.answers(port, "orig"));
            Stats during = e.stats();
            long running = during.vassals().stream().filter(v -> v.id().startsWith("p") && v.pid() > 0).count();
            long blacklisted = during.blacklist().stream().filter(b -> b.id().startsWith("p")).count();
            long lines = e.log().lines(mark).stream().filter(l -> l.contains("EAGAIN") || l.contains("fork()")
                    || l.contains("Resource temporarily unavailable")).count();
            System.out.println("[ProcessLimitIT] " + e.impl() + ": pids.max " + (current + 2) + "; " + running + " of " + EXTRAS
                    + " started; " + blacklisted + " blacklisted; lines about it: " + lines + "; first: " + why);
            assertTrue(running < EXTRAS, "the limit must bite");
            assertEquals(origPid, during.vassal("orig.ini").orElseThrow().pid());
            if (e.impl() == Impl.OURS) {
                assertEquals(0, blacklisted, "no penalty for the Emperor's own limit: " + during.raw());
                assertEquals(1, e.log().lines(mark).stream().filter(l -> l.contains("cannot create more processes (EAGAIN)")).count());
            }

            Files.writeString(group.resolve("pids.max"), "max");
            e.awaitStats(WAIT, "every vassal runs once the limit is lifted", s -> s.vassals().size() == EXTRAS + 1
                    && s.vassals().stream().allMatch(v -> v.pid() > 0));
            assertEquals(origPid, e.stats().vassal("orig.ini").orElseThrow().pid());
            assertTrue(e.isRunning());
        }
    }
}
