package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.testing.TestUsers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Emperor configurations uWSGI's documentation and Debian's uwsgi-emperor package show, one per pattern
 * (fixtures and where each is shown: {@code src/test/resources/config-patterns/README.md}), each started under
 * this daemon and under uWSGI 2.0.21 with real trivial vassals: each must run the same way under both (its
 * vassals answer, plus the pattern's own check). One deliberate difference: {@code vassal-env}, where uWSGI
 * 2.0.21 drops the {@code UWSGI_VASSAL_} variable (its vassal exits for want of a socket) and this daemon passes
 * it on. Needs root (Tyrant, uid/gid drop, namespaces), as CI runs it.
 */
@Timeout(60)
class ConfigPatternsIT {
    static final Path FIXTURES = Path.of("src/test/resources/config-patterns");
    static final Duration START = Duration.ofSeconds(20);

    /** Every pattern; {@code -Dconfig.patterns=a,b} runs only those (a quick run of the ones being worked on). */
    static Stream<Arguments> patterns() throws IOException {
        List<String> only = List.of(System.getProperty("config.patterns", "").split(",")).stream().filter(x -> !x.isBlank()).toList();
        return allPatterns().filter(a -> only.isEmpty() || only.contains((String) a.get()[0]));
    }

    static Stream<Arguments> allPatterns() throws IOException {
        List<Arguments> all = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(FIXTURES)) {
            for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
                for (Impl impl : Impl.values()) {
                    all.add(Arguments.of(d.getFileName().toString(), impl));
                }
            }
        }
        return all.stream();
    }

    /** Every fixture directory has its line in the README, saying where the pattern is shown. */
    @Test
    void everyPatternSaysWhichDocShowsIt() throws IOException {
        String readme = Files.readString(FIXTURES.resolve("README.md"));
        List<String> names = allPatterns().map(a -> (String) a.get()[0]).distinct().toList();
        assertTrue(names.size() >= 20, names.toString());
        for (String n : names) {
            assertTrue(readme.contains("- `" + n + "`: "), n + " has no line in config-patterns/README.md");
        }
    }

    @ParameterizedTest(name = "{0} under {1}")
    @MethodSource("patterns")
    void runsAsUnderUwsgi(String pattern, Impl impl) throws Exception {
        TestUsers.requireRoot();
        Path root = Files.createTempDirectory("emperor-it-pattern-" + pattern + "-");
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("@ROOT@", root.toString());
        tokens.put("@PORT@", Integer.toString(Ports.free()));
        tokens.put("@PORT2@", Integer.toString(Ports.free()));
        tokens.put("@STATS@", Integer.toString(Ports.free()));
        Path fixture = FIXTURES.resolve(pattern);
        List<String> args = Files.exists(fixture.resolve("args"))
                ? Files.readAllLines(fixture.resolve("args")).stream().map(l -> fill(l, tokens)).toList()
                : List.of("--ini", root.resolve("emperor.ini").toString());
        TempEmperor.Builder b = TempEmperor.prepare("pattern-" + pattern).impl(impl).root(root, false)
                .statsPort(Integer.parseInt(tokens.get("@STATS@"))).args(args);
        if (pattern.equals("systemd-sigquit")) {
            b.viaLauncher(); // the unit runs the packaged command, whose JVM set-up lets SIGQUIT reach the daemon
        }
        if (Files.exists(fixture.resolve("env"))) {
            for (String l : Files.readAllLines(fixture.resolve("env"))) {
                int eq = l.indexOf('=');
                b.env(l.substring(0, eq), fill(l.substring(eq + 1), tokens));
            }
        }
        try (TempEmperor e = b.build()) {
            copy(fixture, root, tokens); // after build: the fixture's emperor.ini replaces the harness's
            Vassals.writeAtomically(e.appsDir().resolve("app.py"), Vassals.app("app"));
            Vassals.writeAtomically(e.appsDir().resolve("b.py"), Vassals.app("b"));
            int port = Integer.parseInt(tokens.get("@PORT@"));
            int port2 = Integer.parseInt(tokens.get("@PORT2@"));
            switch (pattern) {
                case "tyrant" -> {
                    TestUsers.User owner = TestUsers.ensure(TestUsers.A);
                    TestUsers.openUp(root, e.vassalsDir(), e.appsDir());
                    TestUsers.own(e.vassalsDir().resolve("app.ini"), owner.uid(), owner.gid());
                    e.launch();
                    Http.Response r = e.awaitAnswer(port, "app", START);
                    assertEquals(Integer.toString(owner.uid()), uid(r.workerPid()), "the vassal runs as its file's owner");
                }
                case "tyrant-unprivileged" -> {
                    TestUsers.User owner = TestUsers.ensure(TestUsers.A);
                    TestUsers.User emperor = TestUsers.ensure(TestUsers.C);
                    TestUsers.openUp(root, e.vassalsDir(), e.appsDir());
                    TestUsers.own(e.vassalsDir().resolve("app.ini"), owner.uid(), owner.gid());
                    e.launch();
                    Http.Response r = e.awaitAnswer(port, "app", START);
                    assertEquals(Integer.toString(owner.uid()), uid(r.workerPid()), "the vassal runs as its file's owner");
                    assertEquals(Integer.toString(emperor.uid()), uid(e.pid()), "the Emperor runs as the unprivileged user");
                }
                case "systemd-sigquit" -> {
                    e.launch();
                    e.awaitAnswer(port, "app", START);
                    e.await(START, "the vassal master and its 2 workers", () -> ProcTree.descendants(e.pid()).size() >= 3);
                    // as a unit is stopped in practice: the vassal up, not still starting its workers (a QUIT that
                    // overtakes a worker's start leaves that worker to reload-mercy, in both daemons)
                    e.awaitLog("\\[emperor\\] vassal app\\.ini is ready to accept requests", START);
                    List<ProcTree.Proc> vassals = new ArrayList<>(ProcTree.descendants(e.pid()));
                    e.signal("QUIT");
                    assertEquals(0, e.awaitExit(Duration.ofSeconds(30)), "exit status after SIGQUIT\n" + e.diagnostics());
                    e.await(Duration.ofSeconds(10), "every vassal process gone", () -> vassals.stream().noneMatch(ProcTree::running));
                }
                case "tyrant-root-owned" -> {
                    e.launch();
                    e.awaitLog("\\[emperor-tyrant\\] invalid permissions for vassal app\\.ini", START);
                    e.holds(Duration.ofSeconds(2), "a root-owned vassal is never started", () -> Http.tryGet(port).isEmpty());
                }
                case "debian-stock" -> {
                    TestUsers.openUp(root, e.vassalsDir(), e.appsDir());
                    e.launch();
                    Http.Response r = e.awaitAnswer(port, "app", START);
                    assertEquals(uidOf("www-data"), uid(r.workerPid()), "the Emperor dropped to www-data, its vassal too");
                }
                case "debian-init" -> debianInit(e, root, port);
                case "glob-monitor" -> {
                    e.launch();
                    e.awaitAnswer(port, "app", START);
                    e.holds(Duration.ofSeconds(1), "b.conf is not matched by *.ini", () -> Http.tryGet(port2).isEmpty());
                }
                case "multiple-monitors" -> {
                    e.launch();
                    e.awaitAnswer(port, "app", START);
                    e.awaitAnswer(port2, "b", START);
                }
                case "stats-server" -> {
                    e.start(); // waits for the stats document
                    e.awaitAnswer(port, "app", START);
                    e.awaitVassal("app.ini", START, "app.ini in the Emperor's stats", v -> v.pid() > 0);
                }
                case "vassal-env" -> {
                    e.launch();
                    if (impl == Impl.UWSGI) {
                        // the one deliberate difference of the suite (README, "Where this daemon deliberately
                        // differs", item 4): uWSGI 2.0.21's rewrite drops the variable, the vassal finds no socket
                        e.awaitLog("The -s/--socket option is missing and stdin is not a socket", START);
                        return;
                    }
                    e.awaitAnswer(port, "app", START);
                    assertFalse(e.logHas("ignoring option 'vassal-http-socket'"), "no misleading warning");
                }
                case "vassal-formats" -> {
                    e.launch();
                    e.awaitAnswer(port, "app", START); // app.xml
                    e.awaitAnswer(port2, "b", START); // b.yml
                }
                case "logto" -> {
                    e.launch();
                    e.awaitAnswer(port, "app", START);
                    Path log = root.resolve("emperor.log");
                    e.await(Duration.ofSeconds(5), "the Emperor's and its vassal's lines in the log file", () -> {
                        String text = Files.readString(log);
                        return text.contains("*** starting uWSGI Emperor ***") && text.contains("getting INI configuration from app.ini");
                    });
                }
                case "emperor-pidfile" -> {
                    e.launch();
                    e.awaitAnswer(port, "app", START);
                    long written = Poll.value(Duration.ofSeconds(5), "the pidfile", () -> readPid(root.resolve("emperor.pid")),
                            e::diagnostics);
                    assertEquals(e.pid(), written, "the Emperor's own pid");
                }
                case "namespaces" -> {
                    e.launch();
                    Path sock = root.resolve("app.sock");
                    String answer = Poll.value(START, "'hello app' on " + sock, () -> {
                        String a = OnDemandUnixIT.get(sock);
                        return a.endsWith("hello app") ? java.util.Optional.of(a) : java.util.Optional.empty();
                    }, e::diagnostics);
                    assertTrue(answer.startsWith("HTTP/1."), answer);
                }
                default -> {
                    e.launch();
                    e.awaitAnswer(port, "app", START);
                }
            }
        }
    }

    /** Debian's init script: the launched process exits 0 at once, the daemon writes the pidfile and logs to the file. */
    static void debianInit(TempEmperor e, Path root, int port) throws IOException {
        e.launch();
        assertEquals(0, e.awaitExit(Duration.ofSeconds(15)), "the daemonizing process exits 0");
        Path pidfile = root.resolve("emperor.pid");
        long pid = Poll.value(Duration.ofSeconds(15), "the pidfile", () -> readPid(pidfile), e::diagnostics);
        try {
            e.awaitAnswer(port, "app", START);
            assertTrue(ProcTree.running(pid), "the pidfile names the running daemon");
            Path log = root.resolve("emperor.log");
            e.await(Duration.ofSeconds(5), "the Emperor's start in its log file",
                    () -> Files.exists(log) && Files.readString(log).contains("*** starting uWSGI Emperor ***"));
        } finally {
            stop(pid);
        }
    }

    /** As Debian's init script stops it (TERM; --die-on-term for uWSGI), then the leftovers by pid. */
    static void stop(long pid) {
        List<ProcTree.Proc> family = new ArrayList<>(ProcTree.descendants(pid));
        ProcTree.Proc daemon = ProcTree.read(pid).orElse(null);
        if (daemon == null) {
            return;
        }
        family.add(daemon);
        TempEmperor.kill("TERM", pid);
        try {
            Poll.until(Duration.ofSeconds(15), "the daemon to stop on SIGTERM", () -> !ProcTree.running(daemon), () -> "");
        } finally {
            for (ProcTree.Proc p : family) {
                if (ProcTree.running(p)) {
                    TempEmperor.kill("KILL", p.pid());
                }
            }
        }
    }

    static java.util.Optional<Long> readPid(Path pidfile) {
        try {
            String text = Files.readString(pidfile).trim();
            return text.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    static String uid(long pid) {
        String line = ProcTree.status(pid, "Uid").orElseThrow(() -> new AssertionError("worker " + pid + " is gone"));
        return line.trim().split("\\s+")[0];
    }

    static String uidOf(String user) throws IOException {
        for (String l : Files.readAllLines(Path.of("/etc/passwd"))) {
            String[] f = l.split(":");
            if (f[0].equals(user)) {
                return f[2];
            }
        }
        throw new AssertionError("no user " + user + " on this machine");
    }

    static String fill(String text, Map<String, String> tokens) {
        for (Map.Entry<String, String> t : tokens.entrySet()) {
            text = text.replace(t.getKey(), t.getValue());
        }
        return text;
    }

    /** The fixture's files under {@code root}, tokens filled in; {@code args} and {@code env} are not copied. */
    static void copy(Path fixture, Path root, Map<String, String> tokens) throws IOException {
        try (Stream<Path> files = Files.walk(fixture)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String rel = fixture.relativize(f).toString();
                if (rel.equals("args") || rel.equals("env")) {
                    continue;
                }
                Path target = root.resolve(rel);
                Files.createDirectories(target.getParent());
                Vassals.writeAtomically(target, fill(Files.readString(f, StandardCharsets.UTF_8), tokens));
            }
        }
    }
}
