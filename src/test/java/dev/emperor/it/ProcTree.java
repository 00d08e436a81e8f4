package dev.emperor.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Linux {@code /proc}. A process is identified by pid <em>and</em> start time ({@link Proc#startTime}), so
 * a recycled pid is never mistaken for the process a test recorded.
 */
public final class ProcTree {

    private ProcTree() {
    }

    /** One line of {@code /proc/PID/stat}: pid, ppid, state letter, start time (clock ticks since boot), comm. */
    public record Proc(long pid, long ppid, char state, long startTime, String comm) {
        public boolean zombie() {
            return state == 'Z' || state == 'X';
        }

        public boolean stopped() {
            return state == 'T' || state == 't';
        }
    }

    /** The current state of {@code pid}, if it exists (zombies included). */
    public static Optional<Proc> read(long pid) {
        String s;
        try {
            s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
        int open = s.indexOf('(');
        int close = s.lastIndexOf(')');
        if (open < 0 || close < 0) return Optional.empty();
        String comm = s.substring(open + 1, close);
        String[] f = s.substring(close + 2).trim().split(" ");
        // after "(comm) ": state(3) ppid(4) ... starttime(22) -> indices 0, 1, 19
        return Optional.of(new Proc(pid, Long.parseLong(f[1]), f[0].charAt(0), Long.parseLong(f[19]), comm));
    }

    /** Every process currently visible. */
    public static List<Proc> all() {
        List<Proc> l = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.isEmpty() || !Character.isDigit(n.charAt(0))) continue;
                read(Long.parseLong(n)).ifPresent(l::add);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return l;
    }

    /** Direct children of {@code pid}. */
    public static List<Proc> children(long pid) {
        List<Proc> l = new ArrayList<>();
        for (Proc p : all()) if (p.ppid() == pid) l.add(p);
        return l;
    }

    /** Every descendant of {@code pid} (children, grandchildren, ...), not including {@code pid}. */
    public static List<Proc> descendants(long pid) {
        Map<Long, List<Proc>> byParent = new HashMap<>();
        for (Proc p : all()) byParent.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
        List<Proc> out = new ArrayList<>();
        Deque<Long> todo = new ArrayDeque<>();
        todo.add(pid);
        while (!todo.isEmpty()) {
            for (Proc c : byParent.getOrDefault(todo.poll(), List.of())) {
                out.add(c);
                todo.add(c.pid());
            }
        }
        return out;
    }

    /** The process recorded as {@code p} still exists (same pid and start time), possibly as a zombie. */
    public static boolean exists(Proc p) {
        return read(p.pid()).filter(q -> q.startTime() == p.startTime()).isPresent();
    }

    /** The process recorded as {@code p} still exists and is not a zombie. */
    public static boolean running(Proc p) {
        return read(p.pid()).filter(q -> q.startTime() == p.startTime() && !q.zombie()).isPresent();
    }

    /** {@code pid} exists and is not a zombie. */
    public static boolean running(long pid) {
        return read(pid).filter(q -> !q.zombie()).isPresent();
    }

    /** Zombie children of {@code pid} (children it has not reaped). */
    public static List<Proc> zombieChildren(long pid) {
        List<Proc> l = new ArrayList<>();
        for (Proc p : children(pid)) if (p.zombie()) l.add(p);
        return l;
    }

    /** A field of {@code /proc/PID/status} (e.g. "PPid", "Uid", "State"), trimmed. */
    public static Optional<String> status(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"),
                    StandardCharsets.ISO_8859_1)) {
                if (line.startsWith(field + ":")) return Optional.of(line.substring(field.length() + 1).trim());
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Parent pid from {@code /proc/PID/status}. */
    public static Optional<Long> ppid(long pid) {
        return status(pid, "PPid").map(Long::parseLong);
    }

    /** Real uid from {@code /proc/PID/status}. */
    public static Optional<Long> uid(long pid) {
        return status(pid, "Uid").map(s -> Long.parseLong(s.split("\\s+")[0]));
    }

    /** The command line, NULs replaced by spaces (empty for zombies and kernel threads). */
    public static String cmdline(long pid) {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(b, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** The recorded process by pid right now, or fails. */
    public static Proc require(long pid) {
        return read(pid).orElseThrow(() -> new AssertionError("process " + pid + " does not exist"));
    }
}
