package dev.emperor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import dev.emperor.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The traps of replacing the JVM in place (docs/platform-notes.md, "Replacing the JVM in place"),
 * each shown on a real process: {@link ExecProbe} runs in its own JVM and calls execve.
 */
@Timeout(60)
class ExecTrapsTest {

    private static Process probe(String mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ExecProbe.class.getName(), mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    @Test
    void aParentDeathSignalFollowsTheSpawningThreadAndExecveEndsTheOthers() throws Exception {
        Process p = probe("pdeathsig");
        List<Long> started = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String[] pids = out.readLine().trim().split(" ");
            long a = Long.parseLong(pids[0]), b = Long.parseLong(pids[1]), c = Long.parseLong(pids[2]);
            started.addAll(List.of(a, b, c));
            Await.until(Duration.ofSeconds(20), "A dies when the thread that spawned it ends, though the process lives", () -> dead(a));
            assertTrue(!dead(b) && !dead(c), "B and C live while their threads do");
            p.getOutputStream().write('\n');
            p.getOutputStream().flush();
            Await.until(Duration.ofSeconds(20), "the probe became sleep (same pid)", () -> comm(p.pid()).equals("sleep"));
            Await.until(Duration.ofSeconds(20), "B dies: execve ended the thread that spawned it", () -> dead(b));
            assertTrue(!dead(c), "C, spawned by the thread that called execve, survives the exec");
            assertEquals(p.pid(), ppid(c), "and is still the child of the same pid");
        } finally {
            p.destroyForcibly();
            for (long pid : started) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /**
     * Why a second in-place upgrade is refused while vassals of the first generation run (docs/upgrade.md,
     * "Parent-death signals and generations"): after one exec they hang off the primordial thread of the
     * new JVM, not off its main thread, and the next exec from main ends that thread.
     */
    @Test
    void aSecondExecKillsTheChildrenOfTheFirstGeneration() throws Exception {
        Process p = probe("generations");
        List<Long> started = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String[] pids = out.readLine().trim().split(" ");
            long g1 = Long.parseLong(pids[0]), g2 = Long.parseLong(pids[1]);
            started.addAll(List.of(g1, g2));
            assertTrue(!dead(g1) && !dead(g2), "both generations live after the first exec");
            assertEquals(p.pid(), ppid(g1), "G1 is still a child of the same pid");
            p.getOutputStream().write('\n');
            p.getOutputStream().flush();
            Await.until(Duration.ofSeconds(20), "the probe became sleep (same pid)", () -> comm(p.pid()).equals("sleep"));
            Await.until(Duration.ofSeconds(20), "G1 dies: its parent thread, the second JVM's primordial one, ended", () -> dead(g1));
            assertTrue(!dead(g2), "G2, spawned by the thread that called execve, survives");
        } finally {
            p.destroyForcibly();
            for (long pid : started) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void onlyTheFdsClearedOfCloseOnExecCrossExecve() throws Exception {
        Process p = probe("fds");
        try {
            List<String> lines;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                lines = out.lines().toList();
            }
            String[] first = lines.get(0).split(" ");
            Set<Integer> fds = new TreeSet<>();
            for (String line : lines.subList(1, lines.size())) {
                int arrow = line.indexOf(" -> "); // ls -l: "lrwx------ 1 root root 64 Dec  5 21:50 32 -> socket:[1]"
                if (arrow > 0) {
                    String before = line.substring(0, arrow);
                    fds.add(Integer.parseInt(before.substring(before.lastIndexOf(' ') + 1)));
                }
            }
            assertEquals(new TreeSet<>(List.of(0, 1, 2, Integer.parseInt(first[0]), Integer.parseInt(first[1]))), fds,
                    "after execve: stdio, the kept socket and the memfd, nothing else of the JVM's (dropped: " + first[2] + ")");
            assertEquals("state v1", lines.get(lines.size() - 1), "the document is read from the inherited memfd");
        } finally {
            p.destroyForcibly();
        }
    }

    /** Gone, or a zombie nobody reaps (sleep does not). */
    private static boolean dead(long pid) {
        String stat = stat(pid);
        return stat == null || stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    }

    private static long ppid(long pid) {
        String stat = stat(pid);
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static String stat(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (IOException e) {
            return null;
        }
    }
}
