package dev.emperor.it;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One Emperor under test in its own temp dir.
 * <p>
 * README: {@code mvn -o verify} runs the ITs against target/emperor.jar; add {@code -Demperor.impl=uwsgi} (or set
 * {@code EMPEROR_IMPL=uwsgi}) to run the very same tests against the real {@code uwsgi --ini emperor.ini};
 * {@code -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false} skips the unit tests, {@code -Dit.test=NameIT}
 * picks one class. Details and the other knobs: {@code package-info.java}.
 * <p> Layout: {@code ROOT/emperor.ini}, {@code ROOT/vassals/} (the monitored dir), {@code ROOT/apps/}
 * (WSGI apps, outside the monitored dir).
 * <pre>
 * try (TempEmperor e = TempEmperor.prepare("my-test").option("emperor-freq", "1").build()) {
 *     Vassals.python("app1", Ports.free()).writeTo(e);
 *     e.start();
 *     ...
 * }
 * </pre>
 * The default emperor.ini (same text for both implementations):
 * <pre>
 * [uwsgi]
 * emperor = ROOT/vassals
 * emperor-stats = 127.0.0.1:PORT
 * emperor-freq = 1
 * emperor-curse-tolerance = 2
 * reload-mercy = 4
 * </pre>
 * Everything the Emperor prints (and its vassals, which inherit stdout/stderr) is kept in {@link #log()} and in
 * {@code target/it-logs/NAME-IMPL.log}. A background task records every descendant process (from /proc, every
 * 100 ms) and {@link #stats()} records vassal pids, so {@link #close()} can SIGKILL leftovers by pid.
 */
public final class TempEmperor implements AutoCloseable {

    /** Default waiting time for things that take one uWSGI start (python3 plugin load) plus one scan. */
    public static final Duration SHORT = Duration.ofSeconds(15);

    private final String name;
    private final Impl impl;
    private final Impl.Launch launch;
    private final Path root;
    private final boolean keepRoot;
    private final Path vassalsDir;
    private final Path appsDir;
    private final Path ini;
    private final int statsPort;
    private final List<String[]> options;
    private final boolean viaLauncher;
    private final List<String> wrapper;
    private final Map<String, String> extraEnv;
    private final List<String> args;

    private final LogBuffer log = new LogBuffer();
    private final Map<String, ProcTree.Proc> seen = new ConcurrentHashMap<>();
    private Process process;
    private ProcTree.Proc self;
    private ScheduledExecutorService tracker;
    private volatile Stats lastStats;
    private final Set<String> seenRunning = ConcurrentHashMap.newKeySet();
    private Path logFile;
    private final Path outputFile;

    private TempEmperor(Builder b) throws IOException {
        this.name = b.name;
        this.outputFile = b.outputFile;
        this.impl = b.impl;
        this.launch = b.launch;
        this.keepRoot = b.root != null && b.keepRoot;
        this.root = b.root != null ? b.root : Files.createTempDirectory("emperor-it-" + b.name + "-");
        this.vassalsDir = Files.createDirectories(root.resolve("vassals"));
        this.appsDir = Files.createDirectories(root.resolve("apps"));
        this.ini = root.resolve("emperor.ini");
        this.statsPort = b.statsPort > 0 ? b.statsPort : Ports.free();
        this.options = new ArrayList<>();
        this.viaLauncher = b.viaLauncher;
        this.wrapper = List.copyOf(b.wrapper);
        this.extraEnv = new java.util.LinkedHashMap<>(b.env); // a null value removes the variable
        this.args = b.args;
        if (b.watchVassalsDir) {
            options.add(new String[] {"emperor", vassalsDir.toString()});
        }
        options.add(new String[] {"emperor-stats", "127.0.0.1:" + statsPort});
        options.addAll(b.options);
        StringBuilder text = new StringBuilder("[uwsgi]\n");
        for (String[] o : options) text.append(o[0]).append(" = ").append(o[1]).append('\n');
        Files.writeString(ini, text.toString(), StandardCharsets.UTF_8);
    }

    /** Starts describing an Emperor; {@code name} names the temp dir and the log file. */
    public static Builder prepare(String name) {
        return new Builder(name);
    }

    /** Options and placement of a {@link TempEmperor}. */
    public static final class Builder {
        private final String name;
        private Impl impl = Impl.current();
        private Impl.Launch launch = Impl.launch();
        private Path root;
        private boolean keepRoot;
        private int statsPort;
        private final List<String[]> options = new ArrayList<>();
        private Path outputFile;
        private boolean viaLauncher;
        private final List<String> wrapper = new ArrayList<>();
        private final Map<String, String> env = new java.util.LinkedHashMap<>();
        private boolean watchVassalsDir = true;
        private List<String> args;

        Builder(String name) {
            this.name = name;
            option("emperor-freq", "1");
            option("emperor-curse-tolerance", "2");
            option("reload-mercy", "4");
        }

        /** Our daemon through packaging/bin/emperor (its JVM flags and signal set-up) instead of plain java -jar. */
        public Builder viaLauncher() {
            this.viaLauncher = true;
            return this;
        }

        /**
         * Runs the Emperor's command line behind {@code prefix} (e.g. a shell that ignores signals and
         * then execs it): the prefix must exec, so that the pid the test holds is the Emperor's.
         */
        public Builder wrappedIn(String... prefix) {
            wrapper.addAll(List.of(prefix));
            return this;
        }

        /** Runs this implementation regardless of {@code emperor.impl}. */
        public Builder impl(Impl i) {
            this.impl = i;
            return this;
        }

        /** Uses an existing root dir (same paths, hence the same emperor.ini text); keeps it on close if asked. */
        public Builder root(Path dir, boolean keep) {
            this.root = dir;
            this.keepRoot = keep;
            return this;
        }

        public Builder statsPort(int port) {
            this.statsPort = port;
            return this;
        }

        /** Sets an emperor.ini option, replacing a previous (or default) value of the same key. */
        public Builder option(String key, String value) {
            for (String[] o : options) {
                if (o[0].equals(key)) {
                    o[1] = value;
                    return this;
                }
            }
            options.add(new String[] {key, value});
            return this;
        }

        /** Removes an option (also a default one). */
        public Builder without(String key) {
            options.removeIf(o -> o[0].equals(key));
            return this;
        }

        /**
         * No {@code emperor = VASSALS_DIR}: only the monitors added. uWSGI's dir monitor chdirs the
         * Emperor into its directory, which changes where other monitors' relative names resolve.
         */
        public Builder withoutVassalsDir() {
            watchVassalsDir = false;
            return this;
        }

        /** Appends a (repeatable) option. */
        public Builder add(String key, String value) {
            options.add(new String[] {key, value});
            return this;
        }

        /** Sets an environment variable of the daemon (on top of the test JVM's; UWSGI_*, NOTIFY_SOCKET and JOURNAL_STREAM are otherwise removed); null removes it. */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /**
         * The daemon's stdout and stderr go straight to this file (opened by ProcessBuilder, truncated, same
         * inode) instead of the harness's pipe; {@link TempEmperor#log()} then stays empty: read the file.
         */
        public Builder outputTo(Path file) {
            this.outputFile = file;
            return this;
        }

        /** Creates the dirs and writes emperor.ini; nothing runs until {@link TempEmperor#start()}. */
        /** Starts the Emperor with exactly these arguments after its binary (no --ini emperor.ini, no options). */
        public Builder args(List<String> arguments) {
            this.args = List.copyOf(arguments);
            return this;
        }

        public TempEmperor build() throws IOException {
            return new TempEmperor(this);
        }
    }

    public Impl impl() {
        return impl;
    }

    public Path root() {
        return root;
    }

    public Path vassalsDir() {
        return vassalsDir;
    }

    public Path appsDir() {
        return appsDir;
    }

    public Path ini() {
        return ini;
    }

    public int statsPort() {
        return statsPort;
    }

    public LogBuffer log() {
        return log;
    }

    /** The daemon's pid (the JVM for ours, the uwsgi process for uWSGI). */
    public long pid() {
        return process.pid();
    }

    /** The daemon process as recorded at start. */
    public ProcTree.Proc self() {
        return self;
    }

    /** The command line used to start the Emperor. */
    public List<String> command() {
        List<String> cmd = new ArrayList<>();
        if (impl == Impl.UWSGI) {
            cmd.add(Impl.setting("uwsgi.bin", "UWSGI_BIN", "uwsgi"));
        } else {
            Path jar = Path.of(Impl.setting("emperor.jar", "EMPEROR_JAR", "target/emperor.jar"));
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("emperor jar not found: " + jar.toAbsolutePath()
                        + " (run through 'mvn verify', or pass -Demperor.jar=...)");
            }
            if (viaLauncher) {
                // the launcher finds target/emperor.jar next to packaging/ in a source checkout
                cmd.add(Path.of("packaging", "bin", "emperor").toAbsolutePath().toString());
            } else {
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.add("-XX:+UseSerialGC");
                cmd.add("-XX:TieredStopAtLevel=1");
                cmd.add("-jar");
                cmd.add(jar.toAbsolutePath().toString());
            }
        }
        cmd.addAll(0, wrapper);
        if (args != null) {
            cmd.addAll(args);
        } else if (launch == Impl.Launch.INI) {
            cmd.add("--ini");
            cmd.add(ini.toString());
        } else {
            for (String[] o : options) {
                cmd.add("--" + o[0]);
                cmd.add(o[1]);
            }
        }
        return cmd;
    }

    /** Starts the Emperor and waits until its stats socket serves a document. */
    public TempEmperor start() throws IOException {
        launch();
        await(Duration.ofSeconds(30), "the Emperor to serve its stats on 127.0.0.1:" + statsPort, () -> {
            if (!process.isAlive()) throw new Poll.Abort("the emperor exited with status " + process.exitValue());
            return tryStats().isPresent();
        });
        return this;
    }

    /** Starts the Emperor without waiting for anything (for daemons expected to refuse to start). */
    public TempEmperor launch() throws IOException {
        if (process != null) throw new IllegalStateException("already started");
        ProcessBuilder pb = new ProcessBuilder(command()).directory(root.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("UWSGI_") || k.equals("NOTIFY_SOCKET") || k.equals("JOURNAL_STREAM"));
        if (outputFile != null) {
            pb.redirectOutput(outputFile.toFile());
        }
        if (viaLauncher) {
            env.put("JAVA_HOME", System.getProperty("java.home"));
            env.put("EMPEROR_CDS", "0"); // no class-data archive written into the build tree by a test
        }
        extraEnv.forEach((k, v) -> {
            if (v == null) {
                env.remove(k);
            } else {
                env.put(k, v);
            }
        });
        Path logDir = Path.of(Impl.setting("it.logdir", "IT_LOGDIR", "target/it-logs"));
        BufferedWriter fileOut = null;
        try {
            Files.createDirectories(logDir);
            logFile = logDir.resolve(name + "-" + impl.name().toLowerCase() + ".log");
            fileOut = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
            fileOut.write("# " + String.join(" ", pb.command()) + "\n# emperor.ini:\n"
                    + Files.readString(ini).replaceAll("(?m)^", "#   ") + "\n");
        } catch (IOException e) {
            logFile = null;
        }
        process = pb.start();
        self = ProcTree.read(process.pid()).orElse(new ProcTree.Proc(process.pid(), 0, 'R', -1, "?"));
        BufferedWriter out = fileOut;
        Thread reader = new Thread(() -> pump(out), "emperor-log-" + name);
        reader.setDaemon(true);
        reader.start();
        tracker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "emperor-proc-tracker-" + name);
            t.setDaemon(true);
            return t;
        });
        tracker.scheduleWithFixedDelay(this::track, 0, 100, TimeUnit.MILLISECONDS);
        return this;
    }

    private void pump(BufferedWriter fileOut) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                log.add(line);
                if (fileOut != null) {
                    fileOut.write(line);
                    fileOut.write('\n');
                    fileOut.flush();
                }
            }
        } catch (IOException e) {
            log.add("[it-harness] log reader stopped: " + e);
        } finally {
            if (fileOut != null) {
                try {
                    fileOut.close();
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private void track() {
        try {
            if (process == null) return;
            for (ProcTree.Proc p : ProcTree.descendants(process.pid())) remember(p);
        } catch (RuntimeException e) {
            // /proc races (a process vanishing while read) are expected; the next round catches up
        }
    }

    private void remember(ProcTree.Proc p) {
        seen.putIfAbsent(p.pid() + "@" + p.startTime(), p);
    }

    /** Every descendant process seen so far (vassal masters, workers, ...). */
    public Collection<ProcTree.Proc> seenProcesses() {
        track();
        return List.copyOf(seen.values());
    }

    /** Completes with System.nanoTime() as soon as the JDK sees the daemon process exit. */
    public java.util.concurrent.CompletableFuture<Long> exitNanos() {
        return process.onExit().thenApply(p -> System.nanoTime());
    }

    /** True while the daemon process runs. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    // ---------------------------------------------------------------- stats

    /** Fetches the stats document (raw TCP, like uWSGI clients); records the vassal pids it lists. */
    public Stats stats() throws IOException {
        Stats s = Stats.fetch(statsPort);
        lastStats = s;
        for (Stats.Vassal v : s.vassals()) {
            if (v.pid() > 0) {
                seenRunning.add(v.id());
                ProcTree.read(v.pid()).ifPresent(this::remember);
            }
        }
        return s;
    }

    /** Ids of the vassals listed with a pid &gt; 0 in any stats document {@link #stats()} fetched so far. */
    public Set<String> vassalsSeenRunning() {
        return Set.copyOf(seenRunning);
    }

    /** {@link #stats()} or empty on any failure. */
    public Optional<Stats> tryStats() {
        try {
            return Optional.of(stats());
        } catch (IOException | RuntimeException | AssertionError e) {
            return Optional.empty();
        }
    }

    /** Waits for a stats document satisfying {@code cond} and returns it. */
    public Stats awaitStats(Duration timeout, String desc, Predicate<Stats> cond) {
        return Poll.value(timeout, desc, () -> {
            Stats s = stats();
            return cond.test(s) ? Optional.of(s) : Optional.empty();
        }, this::diagnostics);
    }

    /** Waits until vassal {@code id} is listed and satisfies {@code cond}; returns that entry. */
    public Stats.Vassal awaitVassal(String id, Duration timeout, String desc, Predicate<Stats.Vassal> cond) {
        return Poll.value(timeout, "vassal " + id + ": " + desc,
                () -> stats().vassal(id).filter(cond), this::diagnostics);
    }

    // ---------------------------------------------------------------- HTTP

    /** Waits until the test app {@code label} answers on {@code port}; returns the response. */
    public Http.Response awaitAnswer(int port, String label, Duration timeout) {
        return awaitAnswer(port, label, timeout, r -> true, "");
    }

    /** Waits until {@code label} answers on {@code port} with a response satisfying {@code cond}. */
    public Http.Response awaitAnswer(int port, String label, Duration timeout, Predicate<Http.Response> cond,
            String desc) {
        return Poll.value(timeout, "'hello " + label + "' on 127.0.0.1:" + port + (desc.isEmpty() ? "" : " " + desc),
                () -> Http.tryGet(port).filter(r -> r.status() == 200 && r.body().equals("hello " + label))
                        .filter(cond), this::diagnostics);
    }

    // ---------------------------------------------------------------- log

    /** Waits for a log line (from the beginning) in which {@code regex} is found; returns the line. */
    public String awaitLog(String regex, Duration timeout) {
        return awaitLog(0, regex, timeout);
    }

    /** Waits for a log line at or after {@code mark} in which {@code regex} is found; returns the line. */
    public String awaitLog(int mark, String regex, Duration timeout) {
        Pattern p = Pattern.compile(regex);
        return Poll.value(timeout, "a log line matching /" + regex + "/", () -> log.find(mark, p), this::diagnostics);
    }

    public boolean logHas(String regex) {
        return log.find(0, Pattern.compile(regex)).isPresent();
    }

    // ---------------------------------------------------------------- waiting with diagnostics

    /** {@link Poll#until} with this Emperor's log tail and last stats in the failure message. */
    public void await(Duration timeout, String desc, Poll.Probe cond) {
        Poll.until(timeout, desc, cond, this::diagnostics);
    }

    /** {@link Poll#holds} with diagnostics. */
    public void holds(Duration period, String desc, Poll.Probe cond) {
        Poll.holds(period, Duration.ofMillis(100), desc, cond, this::diagnostics);
    }

    /** Log tail, daemon state and last stats, for failure messages. */
    public String diagnostics() {
        StringBuilder b = new StringBuilder();
        b.append("  emperor ").append(impl).append(" pid ").append(process == null ? "-" : process.pid())
                .append(process != null && process.isAlive() ? " running" : " NOT running")
                .append(logFile == null ? "" : ", full log: " + logFile.toAbsolutePath()).append('\n');
        b.append("  last 60 log lines:\n").append(log.tail(60));
        Stats s = lastStats;
        if (s != null) b.append("  last stats:\n").append(s.raw().replaceAll("(?m)^", "  # ")).append('\n');
        return b.toString();
    }

    // ---------------------------------------------------------------- signals and exit

    /** Sends {@code sig} (e.g. "HUP") to the daemon. */
    public void signal(String sig) {
        kill(sig, process.pid());
    }

    /** Runs {@code kill -s SIG PID...} (by pid only); returns kill's exit status. */
    public static int kill(String sig, long... pids) {
        if (pids.length == 0) return 0;
        List<String> cmd = new ArrayList<>(List.of(Files.isExecutable(Path.of("/bin/kill")) ? "/bin/kill" : "kill",
                "-s", sig));
        for (long p : pids) {
            if (p <= 0) throw new IllegalArgumentException("refusing to signal pid " + p);
            cmd.add(Long.toString(p));
        }
        try {
            Process k = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!k.waitFor(10, TimeUnit.SECONDS)) {
                k.destroyForcibly();
                throw new IllegalStateException("kill did not finish: " + cmd);
            }
            return k.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the daemon to exit; returns its exit status, or fails. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("emperor still running " + timeout.toMillis() + " ms later\n" + diagnostics());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * SIGTERM, wait (reload-mercy + 5 s at most), then SIGKILL the daemon and every descendant it ever had that
     * still runs (by pid, checked against the recorded start time); then deletes the temp dir.
     */
    @Override
    public void close() {
        // a JUnit @Timeout interrupts the test thread: clean up anyway, then restore the flag
        boolean interrupted = Thread.interrupted();
        try {
            if (process != null) {
                track();
                if (process.isAlive()) {
                    kill("TERM", process.pid());
                    try {
                        process.waitFor(9, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (process.isAlive()) {
                    System.err.println("[it-harness] " + name + ": emperor ignored SIGTERM, SIGKILL " + process.pid());
                    kill("KILL", process.pid());
                }
                if (tracker != null) tracker.shutdownNow();
                List<ProcTree.Proc> leftovers = new ArrayList<>();
                for (ProcTree.Proc p : seen.values()) if (ProcTree.running(p)) leftovers.add(p);
                if (!leftovers.isEmpty()) {
                    System.err.println("[it-harness] " + name + ": killing leftover processes " + leftovers);
                    long[] pids = leftovers.stream().mapToLong(ProcTree.Proc::pid).toArray();
                    kill("KILL", pids);
                    try {
                        Poll.until(Duration.ofSeconds(5), "leftovers gone",
                                () -> leftovers.stream().noneMatch(ProcTree::running));
                    } catch (AssertionError e) {
                        System.err.println("[it-harness] " + e.getMessage());
                    }
                }
            }
        } finally {
            if (!keepRoot) deleteTree(root);
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Deletes a directory tree without following symlinks (best effort). */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Files.deleteIfExists(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                    Files.deleteIfExists(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("[it-harness] could not delete " + dir + ": " + e);
        }
    }
}
