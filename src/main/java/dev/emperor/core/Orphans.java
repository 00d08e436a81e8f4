package dev.emperor.core;

import dev.emperor.internal.Native;
import dev.emperor.internal.Reaped;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The last step before exit: as a child subreaper the Emperor inherits every process its vassals
 * left behind (workers of a SIGKILLed master, daemons a vassal forked). Whatever is still its
 * child when the vassals are gone is killed and reaped, so nothing outlives the daemon.
 */
final class Orphans {
    private static final long REAP_MS = 3000;

    private Orphans() {
    }

    static void killAndReap(Native nat, Native.Poller poller, EmperorLog log) {
        List<Integer> children = childrenOf(nat.getpid());
        for (int pid : children) {
            log.warn("[emperor] killing leftover child process " + pid);
            nat.kill(pid, Native.SIGKILL);
        }
        long deadline = System.currentTimeMillis() + REAP_MS;
        while (System.currentTimeMillis() < deadline) {
            Reaped r = nat.reapAny();
            if (r.pid() < 0) {
                return; // no children left
            }
            if (r.pid() == 0) {
                poller.await(20); // children exist but none exited yet: wait a little without spinning
            }
        }
    }

    /** Pids whose parent is {@code ppid}, from /proc/PID/stat (the field after the command in parentheses). */
    static List<Integer> childrenOf(int ppid) {
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Integer.parseInt(rest[1]) == ppid) {
                        out.add(Integer.parseInt(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // the process went away while we looked
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
