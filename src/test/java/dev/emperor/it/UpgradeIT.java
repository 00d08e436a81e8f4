package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code emperor ctl upgrade} (docs/upgrade.md) with the real launcher, a real jar swapped on disk (an
 * atomic rename, as dpkg does) for a copy carrying another version string, and real uWSGI vassals:
 * two plain ones under a client loop, an on-demand one awake (under the client loop) and one asleep, a
 * blacklisted one, and one killed during the exec. No request fails; every master keeps its pid;
 * counters and the blacklist carry on; a touch reloads; the killed one is respawned; SIGTERM stops all.
 * The same with the JVM swapped (JDK 17 → Temurin 25) and with a deliberately corrupt state document.
 */
@Timeout(300)
class UpgradeIT {
    static final String NEW_VERSION = "9.9.9-upgraded";

    @Test
    void jarSwappedInPlace() throws Exception {
        scenario("upgrade-jar", null, false);
    }

    @Test
    void jvmSwappedInPlace() throws Exception {
        Path temurin;
        try (var dirs = Files.list(Path.of("/usr/lib/jvm"))) {
            temurin = dirs.filter(p -> p.getFileName().toString().startsWith("temurin-25")).findFirst().orElse(null);
        }
        if (temurin == null && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("no /usr/lib/jvm/temurin-25* on CI");
        }
        Assumptions.assumeTrue(temurin != null, "no /usr/lib/jvm/temurin-25*");
        scenario("upgrade-jvm", temurin, false);
    }

    @Test
    void corruptStateDocument() throws Exception {
        scenario("upgrade-corrupt", null, true);
    }

    void scenario(String name, Path newJvm, boolean corrupt) throws Exception {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "in-place upgrade is ours");
        Path inst = Files.createTempDirectory("emperor-it-" + name + "-install-");
        Path jar = inst.resolve("emperor.jar");
        Files.copy(Path.of(Impl.setting("emperor.jar", "EMPEROR_JAR", "target/emperor.jar")), jar);
        Path jdk = inst.resolve("jdk");
        Files.createSymbolicLink(jdk, Path.of(System.getProperty("java.home")));
        Map<String, Integer> ports = new HashMap<>();
        for (String label : List.of("p1", "p2", "p3", "bad", "odup", "odsleep")) {
            ports.put(label, Ports.free());
        }
        TempEmperor.Builder b = TempEmperor.prepare(name).viaLauncher()
                .env("EMPEROR_JAR", jar.toString()).env("JAVA_HOME", jdk.toString())
                .option("emperor-stats-control", "true")
                .option("emperor-on-demand-extension", ".socket");
        if (corrupt) {
            b.env("EMPEROR_UPGRADE_TEST_CORRUPT_STATE", "1");
        }
        try (TempEmperor e = b.build()) {
            for (String label : List.of("p1", "p2", "p3")) {
                Vassals.python(label, ports.get(label)).writeTo(e);
            }
            Vassals.exitsAtOnce("bad", ports.get("bad")).writeTo(e);
            OnDemandIT.writeOnDemand(e, "odup", "127.0.0.1:" + ports.get("odup"));
            OnDemandIT.writeOnDemand(e, "odsleep", "127.0.0.1:" + ports.get("odsleep"));
            e.start();
            for (String label : List.of("p1", "p2", "p3", "odup")) {
                e.awaitAnswer(ports.get(label), label, TempEmperor.SHORT);
            }
            Map<String, Long> masters = new HashMap<>();
            for (String label : List.of("p1", "p2", "p3")) {
                masters.put(label, e.awaitVassal(label + ".ini", TempEmperor.SHORT, "accepting", Stats.Vassal::accepting).pid());
            }
            Stats.Blacklisted badBefore = e.awaitStats(Duration.ofSeconds(30), "bad.ini blacklisted",
                    s -> s.blacklisted("bad.ini").filter(x -> x.attempt() >= 1).isPresent()).blacklisted("bad.ini").orElseThrow();

            // the client loop: every vassal under it is asked continuously through the whole upgrade
            List<String> looped = List.of("p1", "p2", "odup");
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong ok = new AtomicLong();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> clients = new ArrayList<>();
            for (String label : looped) {
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        try {
                            Http.Response r = Http.get(ports.get(label), 5000, 15000);
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
                clients.add(t);
                t.start();
            }
            long odupMaster = e.awaitVassal("odup.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();

            // the new build on disk: another version string (and maybe another JVM), swapped in by rename
            Path staged = inst.resolve("emperor.jar.new");
            withVersion(jar, staged, NEW_VERSION);
            Files.move(staged, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (newJvm != null) {
                Path link = inst.resolve("jdk.new");
                Files.createSymbolicLink(link, newJvm);
                Files.move(link, jdk, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }

            int mark = e.log().mark();
            Thread killer = new Thread(() -> {
                e.awaitLog(mark, "\\*\\*\\* in-place upgrade: exec ", Duration.ofSeconds(60));
                TempEmperor.kill("KILL", masters.get("p3")); // during the exec: the new JVM must reap and respawn it
            }, "killer");
            killer.start();
            long okBefore = ok.get();
            ProcessBuilder ctl = new ProcessBuilder(Path.of("packaging", "bin", "emperor").toAbsolutePath().toString(), "ctl",
                    "--stats", "127.0.0.1:" + e.statsPort(), "--timeout", "90", "upgrade").redirectErrorStream(true);
            ctl.environment().put("JAVA_HOME", System.getProperty("java.home"));
            ctl.environment().put("EMPEROR_CDS", "0");
            Process p = ctl.start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertEquals(0, p.waitFor(), "emperor ctl upgrade: " + out + "\n" + e.diagnostics());
            killer.join(60_000);
            String done = e.awaitLog(mark, "\\*\\*\\* in-place upgrade from .+ done: gap \\S+ ms, \\d+ vassals resumed \\*\\*\\*",
                    TempEmperor.SHORT);
            System.out.println("[" + name + "] " + out.strip() + " | " + done.strip());
            // a few more rounds under the new JVM, then the loop stops
            long okAtDone = ok.get();
            e.await(Duration.ofSeconds(20), "requests served by the vassals after the upgrade", () -> ok.get() > okAtDone + 20);
            running.set(false);
            for (Thread t : clients) {
                t.join(30_000);
            }
            assertEquals(List.of(), failures, "requests lost during the upgrade");
            assertTrue(ok.get() > okBefore, "the client loop ran during the upgrade");
            System.out.println("[" + name + "] requests during the run: " + ok.get() + ", failed: " + failures.size());

            Stats s = e.stats();
            assertEquals(e.pid(), s.pid(), "same pid");
            assertEquals(NEW_VERSION + "-emperor", s.root().str("version"), "the new jar runs");
            assertEquals(1, s.root().num("upgrades"));
            String metrics = metrics(e.statsPort());
            assertTrue(metrics.contains("emperor_upgrades_total 1"), metrics);
            if (newJvm != null) {
                assertTrue(metrics.matches("(?s).*emperor_build_info\\{version=\"" + NEW_VERSION.replace(".", "\\.")
                        + "\",java_version=\"25[^\"]*\"} 1.*"), "the new JVM runs: " + metrics);
            }
            for (String label : List.of("p1", "p2")) {
                Stats.Vassal v = s.vassal(label + ".ini").orElseThrow();
                assertEquals(masters.get(label), v.pid(), label + " keeps its master");
                assertEquals(0, v.respawns(), label + ": no spurious reload after the rescan");
            }
            if (!corrupt) {
                Stats.Blacklisted badAfter = s.blacklisted("bad.ini").orElseThrow();
                assertTrue(badAfter.attempt() >= badBefore.attempt() && badAfter.firstAttempt() == badBefore.firstAttempt(),
                        "the blacklist entry carries on: before " + badBefore + ", after " + badAfter);
                assertTrue(metrics.matches("(?s).*emperor_spawns_total ([4-9]|\\d\\d+)\n.*"), "spawn counter carried on: " + metrics);
                e.awaitAnswer(ports.get("odsleep"), "odsleep", TempEmperor.SHORT); // its socket crossed, asleep
            }
            assertTrue(odupMaster > 0);

            // the vassal killed during the exec is respawned by the new JVM
            e.awaitVassal("p3.ini", Duration.ofSeconds(30), "respawned", v -> v.pid() > 0 && v.pid() != masters.get("p3"));
            e.awaitAnswer(ports.get("p3"), "p3", TempEmperor.SHORT);

            // a touch after the upgrade reloads (same master, respawns 1)
            int touchMark = e.log().mark();
            Path p1 = e.vassalsDir().resolve("p1.ini");
            Files.setLastModifiedTime(p1, FileTime.fromMillis(System.currentTimeMillis() + 5000));
            e.awaitLog(touchMark, "\\[emperor\\] reload the uwsgi instance p1\\.ini", TempEmperor.SHORT);
            Stats.Vassal p1After = e.awaitVassal("p1.ini", TempEmperor.SHORT, "respawns == 1", v -> v.respawns() == 1);
            assertEquals(masters.get("p1"), p1After.pid());

            // a second upgrade would SIGKILL the vassals of the first generation (docs/upgrade.md, "Parent-death
            // signals and generations"): refused, nothing stops
            Process again = ctl.start();
            String refusal;
            try (InputStream in = again.getInputStream()) {
                refusal = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertEquals(2, again.waitFor(), "second upgrade: " + refusal);
            assertTrue(refusal.contains("parent-death signal") && refusal.contains("p2.ini"), refusal);
            assertEquals(masters.get("p2"), e.stats().vassal("p2.ini").orElseThrow().pid(), "p2 untouched by the refusal");
            assertEquals(1, e.stats().root().num("upgrades"));

            // SIGTERM stops everything
            e.signal("TERM");
            assertEquals(0, e.awaitExit(Duration.ofSeconds(30)));
            for (String label : List.of("p1", "p2")) {
                long pid = masters.get(label);
                Poll.until(Duration.ofSeconds(10), label + " gone", () -> !Files.exists(Path.of("/proc/" + pid)));
            }
            assertFalse(e.isRunning());
        } finally {
            TempEmperor.deleteTree(inst);
        }
    }

    static String metrics(int port) throws IOException {
        try (java.net.Socket sock = new java.net.Socket("127.0.0.1", port)) {
            sock.setSoTimeout(10_000);
            sock.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(sock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A copy of {@code jar} whose dev/emperor/version.txt says {@code version}; every other entry as it is. */
    static void withVersion(Path jar, Path out, String version) throws IOException {
        boolean replaced = false;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
             ZipOutputStream zout = new ZipOutputStream(Files.newOutputStream(out))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                zout.putNextEntry(new ZipEntry(entry.getName()));
                if (entry.getName().equals("dev/emperor/version.txt")) {
                    zout.write((version + "\n").getBytes(StandardCharsets.UTF_8));
                    replaced = true;
                } else {
                    in.transferTo(zout);
                }
                zout.closeEntry();
            }
        }
        assertTrue(replaced, "the jar carries dev/emperor/version.txt");
    }
}
