package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shared steps of the in-place upgrade ITs (docs/upgrade.md): an install dir holding the jar and a
 * JAVA_HOME link the launcher reads, the new build swapped in by rename, {@code emperor ctl upgrade},
 * and a client loop that counts every failed request.
 */
final class UpgradeKit implements AutoCloseable {
    final Path dir;
    final Path jar;
    final Path jdk;

    private UpgradeKit(Path dir) {
        this.dir = dir;
        this.jar = dir.resolve("emperor.jar");
        this.jdk = dir.resolve("jdk");
    }

    /** A copy of the jar under test and a link to this JVM, in a fresh dir. */
    static UpgradeKit install(String name) throws IOException {
        UpgradeKit k = new UpgradeKit(Files.createTempDirectory("emperor-it-" + name + "-install-"));
        // readable by every user: a Tyrant Emperor that dropped privileges execs the launcher on this jar
        Files.setPosixFilePermissions(k.dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(Path.of(Impl.setting("emperor.jar", "EMPEROR_JAR", "target/emperor.jar")), k.jar);
        Files.setPosixFilePermissions(k.jar, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(k.jdk, Path.of(System.getProperty("java.home")));
        return k;
    }

    /** The Emperor runs through the launcher on this install's jar and JVM, with the stats control on. */
    TempEmperor.Builder apply(TempEmperor.Builder b) {
        return b.viaLauncher().env("EMPEROR_JAR", jar.toString()).env("JAVA_HOME", jdk.toString())
                .option("emperor-stats-control", "true");
    }

    /** The build on disk becomes one saying {@link UpgradeIT#NEW_VERSION}, swapped in by rename as dpkg does. */
    void swapInNewVersion() throws IOException {
        Path staged = dir.resolve("emperor.jar.new");
        UpgradeIT.withVersion(jar, staged, UpgradeIT.NEW_VERSION);
        Files.setPosixFilePermissions(staged, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(staged, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** {@code emperor ctl upgrade}, which must succeed; returns the line the new process logged when it resumed. */
    static String upgrade(TempEmperor e) throws Exception {
        int mark = e.log().mark();
        StatsHttp.Run r = CtlIT.ctl(e, "upgrade", "--timeout", "90");
        assertEquals(0, r.status(), "emperor ctl upgrade: " + r + "\n" + e.diagnostics());
        String done = e.awaitLog(mark, "\\*\\*\\* in-place upgrade from .+ done: gap \\S+ ms, \\d+ vassals resumed \\*\\*\\*",
                TempEmperor.SHORT);
        Stats s = e.stats();
        assertEquals(e.pid(), s.pid(), "same pid");
        assertEquals(UpgradeIT.NEW_VERSION + "-emperor", s.root().str("version"), "the new jar runs");
        return done;
    }

    @Override
    public void close() {
        TempEmperor.deleteTree(dir);
    }

    /** Clients asking each of {@code ports} ("hello LABEL") in a loop until {@link #stop}. */
    static final class ClientLoop {
        private final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong ok = new AtomicLong();
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        private final List<Thread> threads = new ArrayList<>();

        ClientLoop(Map<String, Integer> ports) {
            ports.forEach((label, port) -> {
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        try {
                            Http.Response r = Http.get(port, 5000, 15000);
                            if (r.status() == 200 && r.body().equals("hello " + label)) {
                                ok.incrementAndGet();
                            } else {
                                failures.add(label + ": HTTP " + r.status() + " " + r.body());
                            }
                        } catch (IOException | RuntimeException x) {
                            failures.add(label + ": " + x);
                        }
                    }
                }, "client-" + label);
                threads.add(t);
                t.start();
            });
        }

        /** A few more rounds, then stop; asserts that none failed and that some ran. */
        void stopAndCheck(TempEmperor e) throws InterruptedException {
            long at = ok.get();
            e.await(java.time.Duration.ofSeconds(20), "requests served after the upgrade", () -> ok.get() > at + 20);
            running.set(false);
            for (Thread t : threads) {
                t.join(30_000);
            }
            assertEquals(List.of(), failures, "requests lost during the upgrade");
            assertTrue(ok.get() > 0, "the client loop ran");
        }
    }
}
