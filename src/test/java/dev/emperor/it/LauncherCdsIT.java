package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Timeout;

/**
 * The launcher packaging/bin/emperor and its class-data-sharing archive (docs/operations.md,
 * "Class-data sharing"): written only by a daemon run and only into $EMPEROR_CDS_DIR (never next to
 * the jar, never by ctl/--help/--version), mapped by the next start, replaced when the jar changes,
 * and a truncated or garbage archive never stops the daemon from starting. Run with the test's own
 * JDK and, when installed, Temurin 25 (the JDK 24+ path of the launcher: the AOT cache, recorded by one
 * daemon run and assembled by the next launch; a ".aot" file where JDK 17 has its ".jsa").
 */
@Timeout(180)
class LauncherCdsIT {
    static final Path LAUNCHER = Path.of("packaging/bin/emperor").toAbsolutePath();

    Path root;
    Path jarDir;
    Path jar;
    Path cache;
    Path home;
    int port;
    Path ini;

    static Stream<String> javaHomes() {
        List<String> homes = new ArrayList<>();
        homes.add(System.getProperty("java.home"));
        Path temurin = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        if (Files.isExecutable(temurin.resolve("bin/java")) && !temurin.toString().equals(homes.get(0))) {
            homes.add(temurin.toString());
        }
        return homes.stream();
    }

    @BeforeEach
    void setUp() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Impl.current() == Impl.OURS, "the launcher is this daemon's");
        root = Files.createTempDirectory("emperor-launcher-");
        jarDir = Files.createDirectories(root.resolve("usr/share/emperor"));
        jar = jarDir.resolve("emperor.jar");
        Files.copy(Path.of(Impl.setting("emperor.jar", "EMPEROR_JAR", "target/emperor.jar")), jar);
        cache = root.resolve("var/cache/emperor");
        home = Files.createDirectories(root.resolve("home"));
        Path vassals = Files.createDirectories(root.resolve("vassals"));
        port = Ports.free();
        ini = root.resolve("emperor.ini");
        Files.writeString(ini, "[uwsgi]\nemperor = " + vassals + "\nemperor-stats = 127.0.0.1:" + port + "\n");
    }

    @AfterEach
    void tearDown() {
        TempEmperor.deleteTree(root);
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void onlyTheDaemonWritesTheArchiveIntoTheCacheDir(String javaHome) throws Exception {
        assertEquals(0, shortRun(javaHome, "--version").exit);
        assertEquals(0, shortRun(javaHome, "--help").exit);
        shortRun(javaHome, "ctl", "--stats", "127.0.0.1:" + port, "status"); // nobody listens: exit 1, still no archive
        assertFalse(Files.exists(cache), "a short run created " + cache);
        assertEquals(List.of(), archives(jarDir), "nothing next to the jar");
        assertEquals(List.of(), archives(home), "nothing in the user's cache");

        daemonRun(javaHome);
        List<Path> made = archives(cache);
        assertEquals(1, made.size(), "one archive after the first daemon run: " + made);
        assertEquals(List.of(), archives(jarDir), "nothing next to the jar");
        Path archive = made.get(0);

        // the next start maps it (the JVM reads it as a mapped file)
        Run second = daemonRun(javaHome);
        assertTrue(second.maps.contains(archive.getFileName().toString()), "the daemon maps " + archive + "\n" + second.maps);

        // a ctl run as root next to it changes nothing
        long size = Files.size(archive);
        shortRun(javaHome, "ctl", "--stats", "127.0.0.1:" + port, "status");
        assertEquals(List.of(archive), archives(cache));
        assertEquals(size, Files.size(archive));

        // a new jar (here: a new mtime) gets a new archive, the old one goes
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        daemonRun(javaHome);
        List<Path> after = archives(cache);
        assertFalse(after.contains(archive), "the old jar's archive was removed: " + after);
        assertEquals(1, after.size(), "one archive for the new jar: " + after);
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void aBrokenArchiveNeverStopsTheDaemon(String javaHome) throws Exception {
        Path archive = settledArchive(javaHome);
        byte[] original = Files.readAllBytes(archive);

        // truncated (the JDK 17 JVM would die of SIGBUS mapping it)
        archive.toFile().setWritable(true);
        Files.write(archive, java.util.Arrays.copyOf(original, original.length / 2));
        daemonRun(javaHome);

        // garbage of the very same size (passes a size check, fails the JVM's header check)
        Path current = settledArchive(javaHome);
        current.toFile().setWritable(true);
        byte[] garbage = new byte[(int) Files.size(current)];
        new java.util.Random(42).nextBytes(garbage);
        Files.write(current, garbage);
        daemonRun(javaHome);
        daemonRun(javaHome);
    }

    /** Runs the daemon until a finished archive is in place (JDK 17: the launch after the dump moves it). */
    private Path settledArchive(String javaHome) throws Exception {
        for (int i = 0; i < 3; i++) {
            daemonRun(javaHome);
            try (Stream<Path> s = Files.list(cache)) {
                List<Path> done = s.filter(f -> f.getFileName().toString().endsWith(".jsa")
                        || f.getFileName().toString().endsWith(".aot")).toList();
                if (!done.isEmpty()) return done.get(0);
            }
        }
        throw new AssertionError("no archive after 3 daemon runs: " + archives(cache));
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void aFailedAotAssemblyFallsBackToTheAppCdsArchive(String javaHome) throws Exception {
        daemonRun(javaHome);
        List<Path> recorded;
        try (Stream<Path> s = Files.list(cache)) {
            recorded = s.filter(f -> f.getFileName().toString().matches(".*\\.aotconf\\.[0-9]+")).toList();
        }
        if (recorded.isEmpty()) {
            // JDK 17/21: no AOT cache at all, the AppCDS archive as before
            List<Path> made = archives(cache);
            assertEquals(1, made.size(), made.toString());
            assertTrue(made.get(0).getFileName().toString().endsWith(".jsa"), made.toString());
            return;
        }
        Files.write(recorded.get(0), new byte[] {1, 2, 3}); // a configuration the assembly refuses
        daemonRun(javaHome); // the assembly fails: no cache, a marker, the AppCDS archive from now on
        try (Stream<Path> s = Files.list(cache)) {
            List<String> names = s.map(f -> f.getFileName().toString()).sorted().toList();
            assertTrue(names.stream().anyMatch(n -> n.endsWith(".aot.failed")), names.toString());
            assertFalse(names.stream().anyMatch(n -> n.endsWith(".aot")), names.toString());
        }
        daemonRun(javaHome);
        Run mapped = daemonRun(javaHome);
        assertTrue(mapped.maps.contains(".jsa"), "the AppCDS archive is mapped\n" + mapped.maps);
    }

    record Run(int exit, String output, String maps) {
    }

    private List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private ProcessBuilder builder(String javaHome, String... args) {
        ProcessBuilder pb = new ProcessBuilder(command(args)).directory(root.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("UWSGI_") || k.startsWith("EMPEROR_") || k.equals("NOTIFY_SOCKET")
                || k.equals("XDG_CACHE_HOME"));
        env.put("JAVA_HOME", javaHome);
        env.put("EMPEROR_JAR", jar.toString());
        env.put("EMPEROR_CDS_DIR", cache.toString());
        env.put("HOME", home.toString());
        return pb;
    }

    private Run shortRun(String javaHome, String... args) throws Exception {
        Process p = builder(javaHome, args).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher " + String.join(" ", args) + " did not end");
        return new Run(p.exitValue(), out, "");
    }

    /** Starts the daemon through the launcher, waits for its stats, reads its maps, stops it with SIGTERM. */
    private Run daemonRun(String javaHome) throws Exception {
        Path log = Files.createTempFile(root, "daemon", ".log");
        Process p = builder(javaHome, "--ini", ini.toString()).redirectOutput(log.toFile()).start();
        try {
            Poll.until(Duration.ofSeconds(60), "the daemon started by the launcher serves its stats", () -> {
                if (!p.isAlive()) throw new Poll.Abort("exited with " + p.exitValue() + ": " + Files.readString(log));
                return Http.tryGet(port).isPresent();
            });
            String maps = Files.readString(Path.of("/proc/" + p.pid() + "/maps"));
            TempEmperor.kill("TERM", p.pid());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the daemon did not stop on SIGTERM");
            assertEquals(0, p.exitValue(), Files.readString(log));
            // JDK 17 writes the archive at exit; the next launch moves it into place
            return new Run(p.exitValue(), Files.readString(log), maps);
        } finally {
            if (p.isAlive()) {
                TempEmperor.kill("KILL", p.pid());
            }
        }
    }

    /** Finished archives (JDK 17's pending ARCHIVE.pid files are moved into place by the next launch). */
    private List<Path> archives(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        // a launch with nothing to do promotes a pending JDK 17 dump: --version leaves it alone, so
        // look at what a daemon launch would see
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> found = new ArrayList<>();
            for (Path f : (Iterable<Path>) s::iterator) {
                String n = f.getFileName().toString();
                if (n.contains(".jsa") || n.contains(".aot")) found.add(f);
            }
            return promote(found);
        }
    }

    private static List<Path> promote(List<Path> files) {
        List<Path> finished = new ArrayList<>();
        for (Path f : files) {
            String n = f.getFileName().toString();
            if (n.endsWith(".jsa")) {
                finished.add(f);
            } else if (n.matches(".*\\.jsa\\.[0-9]+")) {
                finished.add(f.resolveSibling(n.replaceFirst("\\.[0-9]+$", "")));
            } else if (n.endsWith(".aot")) {
                finished.add(f);
            } else if (n.matches(".*\\.aotconf(\\.[0-9]+)?")) {
                // a recorded configuration: the next daemon launch assembles the cache from it
                finished.add(f.resolveSibling(n.replaceFirst("\\.aotconf(\\.[0-9]+)?$", ".aot")));
            }
        }
        return finished.stream().distinct().sorted().toList();
    }

}
