package dev.emperor.monitor;

import dev.emperor.source.VassalSource;
import dev.emperor.source.ScanResult;
import dev.emperor.testing.Await;
import dev.emperor.core.EmperorLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.JnrNative;
import dev.emperor.internal.Native;
import dev.emperor.internal.NativeException;
import dev.emperor.spawn.HelperChildren;
import dev.emperor.testing.TestUsers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Socket-name discovery (imperial-monitors §6): sidecar extension, directory, exec without a shell. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class OnDemandDiscoveryTest {
    @TempDir
    Path dir;

    final JnrNative nat = JnrNative.load();
    final HelperChildren helpers = new HelperChildren(nat);

    private VassalSource file(String name, long mtime) {
        return new VassalSource(name, dir.resolve(name), dir, mtime, 0, 0, dir.toString());
    }

    private OnDemandDiscovery exec(String command, long timeoutMs) {
        return OnDemandDiscovery.of(null, null, command, nat, helpers, List.of("PATH=/usr/bin:/bin"), timeoutMs,
                System::currentTimeMillis, EmperorLog.standard());
    }

    private Path script(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    @Test
    void aSocketGivenByTheSourceWinsAndConfigShapedSourcesAreNotLookedUp() throws Exception {
        // every lookup would find a socket: directory mode answers DIR/NAME.socket for any name with a dot
        OnDemandDiscovery d = OnDemandDiscovery.of(null, "/run/od", null, nat, helpers, List.of(), 1000,
                System::currentTimeMillis, EmperorLog.standard());
        VassalSource plainFile = file("a.ini", 1);
        VassalSource fileWithItsOwn = file("b.ini", 1).withOnDemandSocket("127.0.0.1:9001");
        VassalSource row = VassalSource.ofConfig("c.ini", "[uwsgi]\n".getBytes(), dir, 1, 0, 0, "pg://db", null);
        VassalSource rowWithSocket = VassalSource.ofConfig("d.ini", "[uwsgi]\n".getBytes(), dir, 1, 0, 0, "pg://db", "/run/d.sock");
        List<ScanResult> out = d.annotate(List.of(new ScanResult(dir.toString(), true, null,
                List.of(plainFile, fileWithItsOwn, row, rowWithSocket), List.of())));
        List<VassalSource> v = out.get(0).vassals();
        assertEquals("/run/od/a.socket", v.get(0).onDemandSocket(), "a file keeps today's discovery");
        assertEquals("127.0.0.1:9001", v.get(1).onDemandSocket(), "the source's own socket wins");
        assertNull(v.get(2).onDemandSocket(), "a row without a socket is a normal vassal: nothing is looked up for it");
        assertEquals("/run/d.sock", v.get(3).onDemandSocket(), "a row's socket column is its socket");
    }

    @Test
    void itsLinesGoThroughTheDaemonsLogSoLogDateDatesThem() throws Exception {
        // log-date = %Y: every line of the daemon's log starts with the year, these included
        EmperorLog dated = new EmperorLog("%Y", () -> 0L);
        OnDemandDiscovery d = OnDemandDiscovery.of(".socket", null, null, nat, helpers, List.of(), 1000, System::currentTimeMillis, dated);
        Files.write(dir.resolve("bad.ini.socket"), new byte[] {'/', 'r', (byte) 0xff, '\n'});
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("emperor");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            assertNull(d.lookup(file("bad.ini", 1)));
        } finally {
            logger.detachAppender(logs);
        }
        String year = java.time.Year.from(java.time.Instant.EPOCH.atZone(java.time.ZoneId.systemDefault())) + " - ";
        List<String> lines = logs.list.stream().map(e -> e.getFormattedMessage()).toList();
        assertEquals(List.of(year + "[emperor] on-demand socket name in " + dir.resolve("bad.ini.socket") + " is not valid UTF-8: ignored"),
                lines);
    }

    @Test
    void extensionReadsTheSidecarUpToTheFirstControlByte() throws Exception {
        OnDemandDiscovery d = OnDemandDiscovery.of(".socket", null, null, nat, helpers, List.of(), 1000, System::currentTimeMillis, EmperorLog.standard());
        Files.writeString(dir.resolve("app.ini.socket"), "/run/app.sock\n127.0.0.1:1\n");
        assertEquals("/run/app.sock", d.lookup(file("app.ini", 1)));
        assertNull(d.lookup(file("missing.ini", 1)), "no sidecar: a normal vassal");
        Files.writeString(dir.resolve("empty.ini.socket"), "\n/ignored");
        assertNull(d.lookup(file("empty.ini", 1)), "empty name: a normal vassal");
        Files.writeString(dir.resolve("tcp.ini.socket"), ":9090");
        assertEquals(":9090", d.lookup(file("tcp.ini", 1)), "no newline needed");
    }

    @Test
    void extensionKeepsUtf8WhereUwsgiCutsAtTheFirstByteAbove127() throws Exception {
        OnDemandDiscovery d = OnDemandDiscovery.of(".socket", null, null, nat, helpers, List.of(), 1000, System::currentTimeMillis, EmperorLog.standard());
        Files.write(dir.resolve("u.ini.socket"), "/run/caf\u00e9/\u00fc.sock\r\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("/run/caf\u00e9/\u00fc.sock", d.lookup(file("u.ini", 1)));
        Files.write(dir.resolve("bad.ini.socket"), new byte[] {'/', 'x', (byte) 0xff, 'y'});
        assertNull(d.lookup(file("bad.ini", 1)), "not UTF-8: refused with a log line, a normal vassal");
    }

    @Test
    void extensionDoesNotBlockOnAFifoSidecar() throws Exception {
        Path fifo = dir.resolve("f.ini.socket");
        new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
        assertTrue(Files.exists(fifo));
        OnDemandDiscovery d = OnDemandDiscovery.of(".socket", null, null, nat, helpers, List.of(), 1000, System::currentTimeMillis, EmperorLog.standard());
        assertNull(d.lookup(file("f.ini", 1)));
    }

    /** uWSGI follows it: the first line of a root-only file would become the name, logged and in the stats. */
    @Test
    void aSidecarSymlinkIsNotFollowed() throws Exception {
        Path secret = dir.resolve("shadow");
        Files.writeString(secret, "root:$6$secret-hash:19000\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(dir.resolve("s.ini.socket"), secret);
        OnDemandDiscovery d = OnDemandDiscovery.of(".socket", null, null, nat, helpers, List.of(), 1000, System::currentTimeMillis, EmperorLog.standard());
        assertNull(d.lookup(file("s.ini", 1)), "a symlink sidecar is ignored: a normal vassal");
    }

    /** The sidecar is read at every scan: its complaint is logged once, and again only after a fix and a new fault. */
    @Test
    void aSidecarComplaintIsLoggedOnceUntilItIsFixed() throws Exception {
        Path target = dir.resolve("elsewhere");
        Files.writeString(target, "/run/x.sock\n");
        Path sidecar = dir.resolve("c.ini.socket");
        Files.createSymbolicLink(sidecar, target);
        OnDemandDiscovery d = OnDemandDiscovery.of(".socket", null, null, nat, helpers, List.of(), 1000, System::currentTimeMillis, EmperorLog.standard());
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("emperor");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            assertNull(d.lookup(file("c.ini", 1)));
            assertNull(d.lookup(file("c.ini", 1)));
            assertEquals(1, logs.list.size(), "the same complaint twice: one line " + logs.list);
            Files.delete(sidecar);
            Files.writeString(sidecar, "/run/c.sock\n");
            assertEquals("/run/c.sock", d.lookup(file("c.ini", 1)));
            assertEquals(1, logs.list.size(), "fixed: nothing to say");
            Files.delete(sidecar);
            Files.createSymbolicLink(sidecar, target);
            assertNull(d.lookup(file("c.ini", 1)));
            assertEquals(2, logs.list.size(), "broken again after the fix: logged again " + logs.list);
            assertTrue(logs.list.get(1).getFormattedMessage().contains("on-demand sidecar " + sidecar + " ignored"),
                    logs.list.get(1).getFormattedMessage());
        } finally {
            logger.detachAppender(logs);
        }
    }

    /** Someone else's sidecar next to your config (a shared vassal dir) must not choose your socket. */
    @Test
    void aSidecarOwnedByAnotherUserIsIgnoredRootsCounts() throws Exception {
        TestUsers.User a = TestUsers.ensure(TestUsers.A);
        OnDemandDiscovery d = OnDemandDiscovery.of(".socket", null, null, nat, helpers, List.of(), 1000, System::currentTimeMillis, EmperorLog.standard());
        TestUsers.writeOwned(dir.resolve("x.ini.socket"), "/run/x.sock\n", a);
        VassalSource rootsVassal = file("x.ini", 1);
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("emperor");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            ScanResult scan = new ScanResult(dir.toString(), true, null, List.of(rootsVassal), List.of(), List.of(), 0);
            assertNull(d.annotate(List.of(scan)).get(0).vassals().get(0).onDemandSocket(), "root's vassal, a's sidecar: ignored");
            d.annotate(List.of(scan));
        } finally {
            logger.detachAppender(logs);
        }
        List<String> warnings = logs.list.stream().map(e -> e.getFormattedMessage()).filter(m -> m.contains("sidecar")).toList();
        assertEquals(List.of("[emperor] on-demand sidecar " + dir.resolve("x.ini.socket") + " ignored: owned by uid " + a.uid()
                + ", but the vassal file " + dir.resolve("x.ini") + " by uid 0; x.ini starts as a normal vassal"), warnings,
                "both files named, once for two scans");
        VassalSource asVassal = new VassalSource("x.ini", dir.resolve("x.ini"), dir, 1, a.uid(), a.gid(), dir.toString());
        assertEquals("/run/x.sock", d.lookup(asVassal), "the owner's own sidecar");
        Files.writeString(dir.resolve("y.ini.socket"), "/run/y.sock");
        VassalSource asOther = new VassalSource("y.ini", dir.resolve("y.ini"), dir, 1, a.uid(), a.gid(), dir.toString());
        assertEquals("/run/y.sock", d.lookup(asOther), "a root-owned sidecar is accepted");
    }

    @Test
    void directoryUsesTheNameUpToItsLastDot() {
        assertEquals("/run/od/app.socket", OnDemandDiscovery.fromDirectory("/run/od", "app.ini"));
        assertEquals("/run/od/a.b.socket", OnDemandDiscovery.fromDirectory("/run/od", "a.b.ini"));
        assertEquals("/run/od/app.socket", OnDemandDiscovery.fromDirectory("/run/od", "/etc/vassals/app.ini"), "glob names: basename");
        assertNull(OnDemandDiscovery.fromDirectory("/run/od", "noext"));
        assertNull(OnDemandDiscovery.fromDirectory("/run/od", "/etc/v.d/noext"), "a dot in a directory does not count");
        OnDemandDiscovery d = OnDemandDiscovery.of(null, "/run/od", "/bin/false", nat, helpers, List.of(), 1000, System::currentTimeMillis, EmperorLog.standard());
        assertEquals("/run/od/x.socket", d.lookup(file("x.xml", 1)), "directory wins over exec, as in uWSGI");
    }

    @Test
    void execPrintsTheSocketNameAndGetsTheVassalNameAsOneArgument() throws Exception {
        Path args = dir.resolve("args");
        Path s = script("lookup", "printf '%s\\n' \"$#\" \"$1\" \"$2\" > " + args + "; echo \"127.0.0.1:8$2\"; echo ignored");
        OnDemandDiscovery d = exec(s + "   --flag", 5000);
        assertEquals("127.0.0.1:8my app.ini", d.lookup(file("my app.ini", 1)));
        assertEquals(List.of("2", "--flag", "my app.ini"), Files.readAllLines(args));
        assertEquals(0, helpers.pending(), "the helper was reaped");
    }

    @Test
    void execFromPathAndEmptyOutputMeansNormalVassal() {
        assertEquals("x.ini", exec("echo", 5000).lookup(file("x.ini", 1)), "a bare command is looked up in PATH");
        assertNull(exec("true", 5000).lookup(file("x.ini", 1)));
        assertNull(exec("/nonexistent/lookup", 5000).lookup(file("x.ini", 1)));
    }

    /** The loop reads the name for new records only: a touched config must not run the helper again. */
    @Test
    void execRunsOncePerNameUntilTheNameDisappears() throws Exception {
        Path count = dir.resolve("runs.txt");
        Path s = script("count", "echo x >> " + count + "; echo /run/$1.sock");
        OnDemandDiscovery d = exec(s.toString(), 5000);
        ScanResult scan = new ScanResult(dir.toString(), true, null, List.of(file("a.ini", 1)), List.of(), List.of(), 0);
        assertEquals("/run/a.ini.sock", d.annotate(List.of(scan)).get(0).vassals().get(0).onDemandSocket());
        d.annotate(List.of(scan));
        assertEquals(1, Files.readAllLines(count).size(), "not run again for an unchanged file");
        ScanResult touched = new ScanResult(dir.toString(), true, null, List.of(file("a.ini", 2)), List.of(), List.of(), 0);
        assertEquals("/run/a.ini.sock", d.annotate(List.of(touched)).get(0).vassals().get(0).onDemandSocket());
        assertEquals(1, Files.readAllLines(count).size(), "not run again for a touched file either");
        d.annotate(List.of(new ScanResult(dir.toString(), true, null, List.of(), List.of(), List.of(), 0)));
        d.annotate(List.of(touched));
        assertEquals(2, Files.readAllLines(count).size(), "run again once the name was gone and is back");
    }

    /** A scan's helpers share one timeout's worth of time: new names after that wait for the next scan. */
    @Test
    void newNamesPastTheScanBudgetAreHandedOverAtALaterScan() throws Exception {
        Path count = dir.resolve("runs.txt");
        Path s = script("slow", "echo x >> " + count + "; sleep 0.6; echo /run/$1.sock");
        OnDemandDiscovery d = exec(s.toString(), 1000);
        ScanResult scan = new ScanResult(dir.toString(), true, null,
                List.of(file("a.ini", 1), file("b.ini", 1), file("c.ini", 1)), List.of());
        List<VassalSource> first = d.annotate(List.of(scan)).get(0).vassals();
        assertTrue(!first.isEmpty() && first.size() < 3, "one or two lookups fit in 1000 ms, not three: " + first);
        List<VassalSource> all = first;
        for (int i = 0; i < 3 && all.size() < 3; i++) {
            all = d.annotate(List.of(scan)).get(0).vassals();
        }
        assertEquals(List.of("a.ini", "b.ini", "c.ini"), all.stream().map(VassalSource::name).toList());
        for (VassalSource f : all) {
            assertEquals("/run/" + f.name() + ".sock", f.onDemandSocket());
        }
        assertEquals(3, Files.readAllLines(count).size(), "each helper ran once");
    }

    /** Reading the output fails (no fd left for the poller): the helper is still killed and reaped, not leaked. */
    @Test
    void execWhoseOutputCannotBeReadIsKilledAndReaped() throws Exception {
        Native failing = (Native) java.lang.reflect.Proxy.newProxyInstance(Native.class.getClassLoader(),
                new Class<?>[] {Native.class}, (proxy, method, args) -> {
                    if (method.getName().equals("newPoller")) {
                        throw new NativeException("epoll_create1", 24); // EMFILE
                    }
                    try {
                        return method.invoke(nat, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        HelperChildren children = new HelperChildren(failing);
        Path s = script("slow", "exec sleep 5");
        OnDemandDiscovery d = OnDemandDiscovery.of(null, null, s.toString(), failing, children, List.of("PATH=/usr/bin:/bin"),
                5000, System::currentTimeMillis, EmperorLog.standard());
        ScanResult scan = new ScanResult(dir.toString(), true, null, List.of(file("e.ini", 1)), List.of(), List.of(), 0);
        long t0 = System.nanoTime();
        assertNull(d.annotate(List.of(scan)).get(0).vassals().get(0).onDemandSocket(), "a normal vassal");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, children.pending(), "the helper was killed and reaped, not left in HelperChildren");
        assertTrue(ms < 4000, "killed, not waited for: " + ms + " ms");
    }

    @Test
    void execThatHangsIsKilledAfterTheTimeout() throws Exception {
        Path pidFile = dir.resolve("pid");
        Path s = script("hang", "echo $$ > " + pidFile + "; echo /run/late.sock; exec sleep 60");
        long t0 = System.nanoTime();
        assertNull(exec(s.toString(), 300).lookup(file("h.ini", 1)), "timed out: a normal vassal");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 300 && ms < 5000, "took " + ms + " ms");
        int pid = Integer.parseInt(Files.readString(pidFile).trim());
        assertTrue(!Files.exists(Path.of("/proc/" + pid)), "the helper was killed and reaped");
        assertEquals(0, helpers.pending());
    }

    @Test
    void execInterruptedWhileWaitingIsStillKilledAndReaped() throws Exception {
        Path pidFile = dir.resolve("pid");
        Path s = script("hang", "echo $$ > " + pidFile + "; exec sleep 60");
        Thread scanner = new Thread(() -> exec(s.toString(), 30_000).lookup(file("i.ini", 1)), "scanner");
        scanner.start();
        Await.until("the helper to write its pid", () -> Files.exists(pidFile) && Files.size(pidFile) > 0);
        assertTrue(Files.exists(pidFile), "the helper started");
        scanner.interrupt(); // shutdown interrupts the scanner thread while it waits for the helper
        scanner.join(5000);
        assertTrue(!scanner.isAlive(), "the lookup returned");
        int pid = Integer.parseInt(Files.readString(pidFile).trim());
        assertTrue(!Files.exists(Path.of("/proc/" + pid)), "the helper was killed and reaped");
        assertEquals(0, helpers.pending(), "nothing left in HelperChildren");
    }
}
