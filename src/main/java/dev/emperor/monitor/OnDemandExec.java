package dev.emperor.monitor;

import dev.emperor.source.VassalSource;
import dev.emperor.log.Log;
import dev.emperor.internal.Native;
import dev.emperor.internal.Reaped;
import dev.emperor.internal.SpawnException;
import dev.emperor.internal.SpawnRequest;
import dev.emperor.spawn.HelperChildren;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code emperor-on-demand-exec CMD}: the socket name is the helper's stdout. uWSGI runs
 * {@code /bin/sh -c 'CMD "NAME"'}, so a vassal file named {@code $(touch pwned).ini} runs code as
 * the Emperor (docs/uwsgi-compat.md, "Deliberate differences"). Here there is no shell: CMD is split on whitespace into argv words
 * (no quoting, no expansion) and the vassal name is appended as one more argument, byte for byte.
 * The helper is posix_spawned in its own session with stdin on /dev/null and stdout on a
 * socketpair; it gets {@link #timeoutMs} to answer, then it (and its process group) is SIGKILLed
 * and the vassal starts as a normal one. Runs on the scanner thread, never on the loop.
 */
final class OnDemandExec {
    /** Enough for any socket name; the rest of a chatty helper's output is read and dropped. */
    private static final int KEEP = 4096;

    private final Native nat;
    private final HelperChildren children;
    private final String command;
    private final List<String> words;
    private final List<String> env;
    private final long timeoutMs;
    private final LongSupplier clock;
    private final Log log;

    OnDemandExec(Native nat, HelperChildren children, String command, List<String> env, long timeoutMs,
                 LongSupplier clock, Log log) {
        this.nat = nat;
        this.children = children;
        this.command = command;
        this.words = Arrays.asList(command.trim().split("\\s+"));
        this.env = List.copyOf(env);
        this.timeoutMs = timeoutMs;
        this.clock = clock;
        this.log = log;
    }

    /** The socket name printed by the helper for this vassal, or null (none, failure or timeout: a normal vassal). */
    String run(VassalSource f) {
        String exe = resolve(words.get(0), f.cwd());
        if (exe == null) {
            log.error("[emperor] emperor-on-demand-exec: " + words.get(0) + " not found (no shell is used: give a path or a"
                    + " command in PATH); " + f.name() + " starts as a normal vassal");
            return null;
        }
        List<String> argv = new ArrayList<>(words);
        argv.add(f.name());
        int[] pair = nat.socketpair();
        int pid;
        try {
            pid = children.spawn(new SpawnRequest(exe, argv, env, f.cwd().toString(), Map.of(1, pair[1]), true));
        } catch (SpawnException | RuntimeException e) {
            nat.close(pair[0]);
            nat.close(pair[1]);
            log.error("[emperor] emperor-on-demand-exec: cannot run " + exe + ": " + e.getMessage() + "; " + f.name()
                    + " starts as a normal vassal");
            return null;
        }
        nat.close(pair[1]);
        long deadline = clock.getAsLong() + timeoutMs;
        byte[] out = new byte[0];
        boolean finished = false;
        RuntimeException failure = null;
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            finished = readUntilEof(pair[0], buf, deadline);
            out = buf.toByteArray();
            finished = finished && children.awaitExit(pid, deadline, clock) != null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e; // e.g. no fd left for the poller: the helper must still be killed and reaped
        } finally {
            nat.close(pair[0]);
        }
        if (!finished) {
            // an interrupt (shutdown) must not skip the reap: the pid would stay in HelperChildren for good
            children.killAndReap(pid, clock);
            if (failure != null) {
                log.error("[emperor] emperor-on-demand-exec \"" + command + "\" for " + f.name() + ": reading its output failed ("
                        + failure + "): killed it (pid " + pid + "); " + f.name() + " starts as a normal vassal");
            } else {
                log.error("[emperor] emperor-on-demand-exec \"" + command + "\" for " + f.name() + " did not finish within "
                        + timeoutMs + " ms: killed it (pid " + pid + "); " + f.name() + " starts as a normal vassal");
            }
            return null;
        }
        return OnDemandDiscovery.socketName(out, f.name() + " (emperor-on-demand-exec output)", log);
    }

    /** Reads the helper's stdout until EOF; false when the deadline passed first. */
    private boolean readUntilEof(int fd, ByteArrayOutputStream buf, long deadline) {
        nat.setNonBlocking(fd);
        byte[] chunk = new byte[4096];
        try (Native.Poller poller = nat.newPoller()) {
            poller.add(fd);
            while (true) {
                int n = nat.read(fd, chunk, chunk.length);
                if (n == 0) {
                    return true;
                }
                if (n > 0) {
                    buf.write(chunk, 0, Math.max(0, Math.min(n, KEEP - buf.size())));
                    continue;
                }
                if (n != -Native.EAGAIN) {
                    return true; // a read error ends the output like EOF
                }
                long left = deadline - clock.getAsLong();
                if (left <= 0 || Thread.currentThread().isInterrupted()) {
                    return false; // timed out, or the daemon shuts down: the caller kills and reaps the helper
                }
                poller.await(Math.min(left, 200)); // epoll is not interruptible: look at the interrupt flag now and then
            }
        }
    }

    /** execvp's PATH rule without a shell: a word with a '/' is a path (relative to the scan cwd). */
    private static String resolve(String word, Path cwd) {
        if (word.isEmpty()) {
            return null;
        }
        if (word.contains("/")) {
            Path p = cwd.resolve(word);
            return Files.isExecutable(p) ? p.toAbsolutePath().toString() : null;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir).resolve(word);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toAbsolutePath().toString();
            }
        }
        return null;
    }
}
