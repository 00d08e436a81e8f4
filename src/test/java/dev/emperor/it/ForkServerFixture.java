package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Fork-server mode around a {@link TempEmperor}: the stand-in base vassal
 * ({@code src/test/resources/forkserver/fork_server.py}, see its README) copied executable into the emperor's
 * root dir and used as {@code binary-path}, {@code emperor-use-fork-server = ROOT/fork.sock},
 * {@code vassal-fork-base = base.ini}, and {@code base.ini} with {@code fork-server = ROOT/fork.sock},
 * {@code fork-server-preload = 5}. Every vassal but base.ini is adopted: the stand-in execs the real uwsgi
 * 2.0.21 as {@code uwsgi --exit-on-reload ARGV[1:]} in the re-parented grandchild.
 * <pre>
 * ForkServerFixture fs = ForkServerFixture.start("name", 5);   // emperor running, base preloading
 * fs.awaitBaseReady(...);                                      // connect() to the fork socket succeeds
 * </pre>
 */
final class ForkServerFixture implements AutoCloseable {

    /** The base vassal's file name, as named in {@code vassal-fork-base}. */
    static final String BASE = "base.ini";
    /** Preload of the stand-in, as the README tells tests to configure it. */
    static final int PRELOAD_SECONDS = 5;
    /** One uWSGI start of a trivial python3 app plus one session (README: 100-250 ms here), with CI slack. */
    static final Duration ADOPT = Duration.ofSeconds(10);

    final TempEmperor e;
    final Path socket;
    final Path script;

    private ForkServerFixture(TempEmperor e, Path socket, Path script) {
        this.e = e;
        this.socket = socket;
        this.script = script;
    }

    /** Builds the emperor in fork-server mode and writes base.ini; {@code vassals} are written before start. */
    static ForkServerFixture create(String name, int preloadSeconds) throws IOException {
        return create(name, preloadSeconds, b -> { });
    }

    /** As above with extra emperor.ini options given as key, value pairs. */
    static ForkServerFixture create(String name, int preloadSeconds, String... extraOptions) throws IOException {
        return create(name, preloadSeconds, b -> {
            for (int i = 0; i + 1 < extraOptions.length; i += 2) {
                b.option(extraOptions[i], extraOptions[i + 1]);
            }
        });
    }

    /** As {@link #create(String, int)}, with extra emperor options set through {@code extra}. */
    static ForkServerFixture create(String name, int preloadSeconds,
            java.util.function.Consumer<TempEmperor.Builder> extra) throws IOException {
        requireOurs();
        Path root = Files.createTempDirectory("emperor-it-" + name + "-");
        // 0700 by default: adopted vassals running as unprivileged users must reach apps/ and vassals/
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = root.resolve("fork_server.py");
        try (InputStream in = ForkServerFixture.class.getResourceAsStream("/forkserver/fork_server.py")) {
            if (in == null) throw new IllegalStateException("forkserver/fork_server.py not on the test classpath");
            Files.write(script, in.readAllBytes());
        }
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = root.resolve("fork.sock");
        TempEmperor.Builder b = TempEmperor.prepare(name).root(root, false)
                .option("binary-path", script.toString())
                .option("emperor-use-fork-server", socket.toString())
                .option("vassal-fork-base", BASE);
        extra.accept(b);
        TempEmperor e = b.build();
        Files.writeString(e.vassalsDir().resolve(BASE), "[uwsgi]\nfork-server = " + socket + "\nfork-server-preload = "
                + preloadSeconds + "\nchmod-socket = 600\n", StandardCharsets.UTF_8);
        return new ForkServerFixture(e, socket, script);
    }

    /** Skips the calling class under {@code -Demperor.impl=uwsgi}: 2.0.21 has no fork server. */
    static void requireOurs() {
        Assumptions.assumeFalse(Impl.isUwsgi(),
                "uWSGI 2.0.21 has no fork server (emperor-use-fork-server exists in uWSGI master only)");
    }

    @Override
    public void close() {
        e.close();
    }

    // ---------------------------------------------------------------- the base

    /** True when a connect() to the fork-server socket succeeds (the base's readiness probe: an empty session). */
    boolean baseListening() {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException ex) {
            return false;
        }
    }

    /** Waits until the base listens; returns System.nanoTime() of the first successful connect. */
    long awaitBaseReady(Duration timeout) {
        e.await(timeout, "the base vassal listening on " + socket, this::baseListening);
        return System.nanoTime();
    }

    /** The base's pid from the stats (waits for it). */
    long basePid() {
        return e.awaitVassal(BASE, TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();
    }

    // ---------------------------------------------------------------- adopted vassals

    /** A python3 vassal "hello LABEL" on {@code port} (file LABEL.ini) with extra {@code key = value} lines. */
    static Vassals.Spec vassal(String label, int port, String... extra) {
        return Vassals.python(label, port, extra);
    }

    /**
     * Waits until {@code id} runs adopted (stats {@code adopted 1}, a pid that is a live child of the emperor)
     * and {@code label} answers on {@code port}; returns the master's pid, checked to be the one serving.
     */
    long awaitAdoptedAndServing(String id, String label, int port, Duration timeout) {
        Http.Response r = e.awaitAnswer(port, label, timeout);
        long serving = ProcTree.ppid(r.workerPid()).orElseThrow();
        Stats.Vassal v = e.awaitVassal(id, timeout, "adopted and listed with the serving master " + serving,
                x -> x.pid() == serving && x.num("adopted") == 1);
        assertAdopted(id, v.pid());
        return v.pid();
    }

    /**
     * The process {@code pid} is an adopted vassal: the Emperor's child, exec'd by the stand-in's grandchild
     * ({@code --exit-on-reload} first in its argv, which a plain spawn through the wrapper never has), and the
     * base logged the matching "double fork() and reparenting successful (new pid: PID)".
     */
    void assertAdopted(String id, long pid) {
        assertEquals(e.pid(), ProcTree.ppid(pid).orElseThrow(() -> new AssertionError("pid " + pid + " gone")),
                id + ": master " + pid + " is the Emperor's child (re-parented)\n" + e.diagnostics());
        String cmd = ProcTree.cmdline(pid);
        assertTrue(cmd.contains(" --exit-on-reload ") && cmd.contains(id),
                id + ": master " + pid + " was exec'd by the fork server's grandchild: " + cmd);
        e.awaitLog("double fork\\(\\) and reparenting successful \\(new pid: " + pid + "\\)", Duration.ofSeconds(2));
    }

    /** Waits for {@code n} workers (children) of master {@code pid}; returns them. */
    List<ProcTree.Proc> awaitWorkers(long pid, int n) {
        return Poll.value(TempEmperor.SHORT, n + " workers of " + pid, () -> {
            List<ProcTree.Proc> w = new ArrayList<>();
            for (ProcTree.Proc p : ProcTree.children(pid)) if (!p.zombie()) w.add(p);
            return w.size() == n ? Optional.of(w) : Optional.empty();
        }, e::diagnostics);
    }

    /** Real, effective, saved and fs uid (or gid) of {@code pid}. */
    static List<Long> ids(long pid, String field) {
        String s = ProcTree.status(pid, field).orElseThrow(() -> new AssertionError("no " + field + " for " + pid));
        List<Long> l = new ArrayList<>();
        for (String x : s.split("\\s+")) l.add(Long.parseLong(x));
        return l;
    }

    /** Pids from every "double fork() and reparenting successful (new pid: N)" line of the base(s). */
    List<Long> reparentedPids() {
        Pattern p = Pattern.compile("double fork\\(\\) and reparenting successful \\(new pid: (\\d+)\\)");
        List<Long> l = new ArrayList<>();
        for (String line : e.log().lines(0)) {
            Matcher m = p.matcher(line);
            if (m.find()) l.add(Long.parseLong(m.group(1)));
        }
        return l;
    }

    // ---------------------------------------------------------------- fds

    /** fd number → link target ("socket:[123]", "/dev/null", ...) of {@code pid}. */
    static Map<Integer, String> fds(long pid) {
        Map<Integer, String> m = new TreeMap<>();
        Path dir = Path.of("/proc", Long.toString(pid), "fd");
        try (var ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                try {
                    m.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
                } catch (IOException ignored) {
                    // closed while listing
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return m;
    }

    /** The value of an environment variable of {@code pid}, from /proc/PID/environ. */
    static Optional<String> environ(long pid, String name) {
        try {
            String env = Files.readString(Path.of("/proc", Long.toString(pid), "environ"), StandardCharsets.ISO_8859_1);
            for (String kv : env.split("\0")) if (kv.startsWith(name + "=")) return Optional.of(kv.substring(name.length() + 1));
        } catch (IOException ex) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- users

    /** Creates the unprivileged system users if missing (root only; otherwise the calling test is skipped). */
    static void ensureUsers(String... names) throws IOException, InterruptedException {
        for (String n : names) {
            if (run("id", "-u", n) == 0) continue;
            Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                    "user " + n + " is missing and only root can create it");
            int rc = run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", n);
            // 9 = already exists (a concurrent run created it)
            assertTrue(rc == 0 || rc == 9, "useradd " + n + " exit status " + rc);
        }
    }

    /** The uid and gid of user {@code name}. */
    static long[] uidGid(String name) throws IOException, InterruptedException {
        return new long[] {Long.parseLong(output("id", "-u", name)), Long.parseLong(output("id", "-g", name))};
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish: " + String.join(" ", cmd));
        }
        return p.exitValue();
    }

    private static String output(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
