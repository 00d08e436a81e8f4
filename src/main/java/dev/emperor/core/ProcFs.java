package dev.emperor.core;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The few facts about other processes the Emperor reads from /proc. */
final class ProcFs {
    private ProcFs() {
    }

    /** The parent pid of {@code pid}, or -1 when it does not exist (the field after "(comm) state" in /proc/PID/stat). */
    static int parentOf(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(rest[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Pids whose parent is {@code ppid}. */
    static List<Integer> childrenOf(int ppid) {
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                int pid = Integer.parseInt(p.getFileName().toString());
                if (parentOf(pid) == ppid) {
                    out.add(pid);
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
