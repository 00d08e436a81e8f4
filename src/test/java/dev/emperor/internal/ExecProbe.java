package dev.emperor.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.emperor.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A JVM that does what the in-place upgrade does, for ExecTrapsTest (which runs it as its own
 * process: an execve would replace the test's JVM). Prints one line of facts, then execs.
 */
public final class ExecProbe {

    public static void main(String[] args) throws Exception {
        JnrNative nat = JnrNative.load();
        switch (args[0]) {
            case "pdeathsig" -> pdeathsig(nat);
            case "fds" -> fds(nat);
            case "generations" -> generations(nat, args.length > 1 ? Integer.parseInt(args[1]) : -1);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /**
     * Three children with a parent-death signal (setpriv --pdeathsig KILL, as a pid-namespace vassal
     * has): A from a thread that ends, B from a thread still alive at the exec, C from the thread that
     * calls execve. Prints "A B C", waits for a line on stdin, then execs sleep.
     */
    private static void pdeathsig(JnrNative nat) throws Exception {
        int[] pids = new int[3];
        Thread a = new Thread(() -> pids[0] = child(nat), "ends-early");
        a.start();
        a.join();
        CountDownLatch spawned = new CountDownLatch(1);
        Thread b = new Thread(() -> {
            pids[1] = child(nat);
            spawned.countDown();
            try {
                new CountDownLatch(1).await(); // alive until execve ends every thread
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "alive-at-exec");
        b.setDaemon(true);
        b.start();
        spawned.await();
        pids[2] = child(nat);
        System.out.println(pids[0] + " " + pids[1] + " " + pids[2]);
        System.out.flush();
        System.in.read(); // the test has seen A die
        int err = nat.execve("/bin/sleep", List.of("sleep", "60"), List.of());
        System.out.println("execve failed: " + err);
    }

    /**
     * Two in-place upgrades in a row, each execve from main(), as the daemon's loop thread does. The
     * first JVM spawns G1 and execs a second JVM (java again, same command line plus G1's pid), which
     * spawns G2 and prints "G1 G2", waits for a line on stdin, then execs sleep. The java launcher runs
     * main() on a new thread: G1's parent thread is the second JVM's primordial thread, which the
     * second exec ends.
     */
    private static void generations(JnrNative nat, int first) throws Exception {
        if (first < 0) {
            int g1 = child(nat);
            List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                    System.getProperty("java.class.path"), ExecProbe.class.getName(), "generations", Integer.toString(g1)));
            int err = nat.execve(argv.get(0), argv, List.of());
            System.out.println("execve failed: " + err);
            return;
        }
        int g2 = child(nat);
        System.out.println(first + " " + g2);
        System.out.flush();
        System.in.read();
        int err = nat.execve("/bin/sleep", List.of("sleep", "60"), List.of());
        System.out.println("execve failed: " + err);
    }

    /** Returns once setpriv has set the signal and exec'd sleep (before that, the thread's end would not count). */
    private static int child(JnrNative nat) {
        try {
            int pid = nat.spawn(new SpawnRequest("/usr/bin/setpriv",
                    List.of("setpriv", "--pdeathsig", "KILL", "--", "/bin/sleep", "60"), List.of(), null, Map.of(), false));
            Path comm = Path.of("/proc/" + pid + "/comm");
            Await.until(Duration.ofSeconds(10), "setpriv to exec sleep", () -> Files.readString(comm).strip().equals("sleep"));
            return pid;
        } catch (SpawnException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every fd marked close-on-exec, then two cleared (a socketpair end and a memfd holding a
     * document); prints "KEPT_SOCKET KEPT_MEMFD DROPPED_SOCKET" and execs a shell that lists its own fds (ls, its child, opens nothing in the shell)
     * and prints the document from the inherited memfd.
     */
    private static void fds(JnrNative nat) throws Exception {
        int[] pair = nat.socketpair();
        int memfd = nat.memfd("emperor-state");
        Files.writeString(Path.of("/proc/self/fd/" + memfd), "state v1", StandardCharsets.UTF_8);
        nat.markAllCloseOnExec();
        nat.setCloseOnExec(pair[0], false);
        nat.setCloseOnExec(memfd, false);
        System.out.println(pair[0] + " " + memfd + " " + pair[1]);
        System.out.flush();
        List<String> argv = new ArrayList<>(List.of("sh", "-c",
                "ls -l /proc/$$/fd; cat /proc/$$/fd/" + memfd + "; echo"));
        int err = nat.execve("/bin/sh", argv, List.of("PATH=/usr/bin:/bin"));
        System.out.println("execve failed: " + err);
    }
}
