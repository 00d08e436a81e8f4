package dev.emperor.monitor;

import dev.emperor.source.VassalSource;
import dev.emperor.source.ScanResult;
import dev.emperor.core.EmperorLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.testing.TestUsers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tyrant + on-demand: the root Emperor binds (and, for a stale socket, unlinks) the path a vassal's
 * owner names. Only a directory chain that root alone controls is accepted, and the symlink-free
 * path is what gets bound: otherwise any vassal owner could make root replace a system socket such
 * as {@code /run/dbus/system_bus_socket}, or swap a directory of theirs for a symlink in between.
 */
@Timeout(10)
class TyrantSocketCheckTest {

    @TempDir
    Path tmp;

    /** A directory chain only root can write: /run/emperor-test-XXX (root only). */
    Path rootOnly;

    @BeforeEach
    void rootOwnedDir() throws IOException {
        TestUsers.requireRoot();
        rootOnly = Files.createTempDirectory(Path.of("/run"), "emperor-test-");
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (rootOnly != null) {
            try (Stream<Path> s = Files.walk(rootOnly)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private VassalSource vassal(Path dir) {
        return new VassalSource("app.ini", dir.resolve("app.ini"), dir, 1, 1001, 1001, dir.toString());
    }

    @Test
    void theVassalsRootControlledDirectoryIsAcceptedAndBoundByItsRealPath() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("link"), rootOnly);
        TyrantSocketCheck.Outcome o = TyrantSocketCheck.check(vassal(rootOnly), link + "/app.sock", null);
        assertNull(o.refusal(), o.refusal());
        assertEquals(rootOnly.toRealPath().resolve("app.sock").toString(), o.socket(),
                "the symlink-free path is bound: nobody but root can change it between check and bind");
    }

    @Test
    void aRootControlledSystemDirectoryIsNotTheVassalsToChoose() throws IOException {
        // /run is root's and 0755, but an absent socket there (/run/nscd/socket) could be squatted
        Path vassals = Files.createDirectory(rootOnly.resolve("vassals"));
        TyrantSocketCheck.Outcome o = TyrantSocketCheck.check(vassal(vassals), rootOnly + "/nscd.sock", null);
        assertNull(o.socket());
        assertTrue(o.refusal().contains("outside the vassal's directory"), o.refusal());
        // ... unless it is the operator's emperor-on-demand-directory
        TyrantSocketCheck.Outcome op = TyrantSocketCheck.check(vassal(vassals), rootOnly + "/app.sock", rootOnly.toString());
        assertEquals(rootOnly.toRealPath().resolve("app.sock").toString(), op.socket(), op.refusal());
    }

    @Test
    void aWorldWritableDirectoryIsRefused() {
        // /tmp is 1777: anyone could have put a socket or a symlink there
        TyrantSocketCheck.Outcome o = TyrantSocketCheck.check(vassal(Path.of("/tmp")), "/tmp/app.sock", null);
        assertNull(o.socket());
        assertNotNull(o.refusal());
        assertTrue(o.refusal().startsWith("[emperor-tyrant] invalid permissions for vassal app.ini"), o.refusal());
        assertTrue(o.refusal().contains("writable by group or others"), o.refusal());
    }

    @Test
    void aDirectoryOwnedByTheVassalOwnerIsRefused() throws IOException {
        TestUsers.User a = TestUsers.ensure(TestUsers.A);
        Path hers = Files.createDirectory(rootOnly.resolve("hers"));
        Files.setAttribute(hers, "unix:uid", a.uid());
        TyrantSocketCheck.Outcome o = TyrantSocketCheck.check(vassal(hers), hers + "/app.sock", null);
        assertNull(o.socket());
        assertTrue(o.refusal().contains("owned by uid " + a.uid()), o.refusal());
    }

    @Test
    void aRelativeNameResolvesInTheVassalDirectory() throws IOException {
        Path vassals = Files.createDirectory(rootOnly.resolve("vassals"));
        TyrantSocketCheck.Outcome o = TyrantSocketCheck.check(vassal(vassals), "app.sock", null);
        assertEquals(vassals.toRealPath().resolve("app.sock").toString(), o.socket());
        // a relative name climbing out of a vassal directory (here a world-writable one) is refused
        Path x = Files.createDirectory(tmp.resolve("x"));
        String r = TyrantSocketCheck.check(vassal(x), "../../../tmp/app.sock", null).refusal();
        assertNotNull(r);
        assertTrue(r.contains("outside the vassal's directory") || r.contains("writable by group or others"), r);
    }

    @Test
    void tcpNamesAreNotFiles() {
        TyrantSocketCheck.Outcome o = TyrantSocketCheck.check(vassal(tmp), "127.0.0.1:8080", null);
        assertEquals("127.0.0.1:8080", o.socket());
        assertNull(o.refusal());
    }

    @Test
    void aSidecarNamingASystemSocketRefusesTheVassalUnderTyrant() throws IOException {
        Path vassals = tmp; // world-writable chain (/tmp): under Tyrant nothing there may be bound by root
        Files.writeString(vassals.resolve("app.ini"), "[uwsgi]\n");
        Files.writeString(vassals.resolve("app.ini.socket"), tmp.resolve("victim.sock") + "\n");
        OnDemandDiscovery d = OnDemandDiscovery.of(".socket", null, null, null, null, java.util.List.of(), 1000,
                System::currentTimeMillis, EmperorLog.standard()).underTyrant(true);
        VassalSource f = new VassalSource("app.ini", vassals.resolve("app.ini"), vassals, 1, 0, 0, vassals.toString());
        VassalSource out = d.annotate(java.util.List.of(new ScanResult(vassals.toString(), true, null,
                java.util.List.of(f), java.util.List.of()))).get(0).vassals().get(0);
        assertNotNull(out.refusal(), "refused, never bound");
        assertTrue(out.refusal().contains("on-demand socket") && out.refusal().contains("victim.sock"), out.refusal());
        // without Tyrant the name is taken as uWSGI takes it
        OnDemandDiscovery plain = OnDemandDiscovery.of(".socket", null, null, null, null, java.util.List.of(), 1000,
                System::currentTimeMillis, EmperorLog.standard());
        VassalSource p = plain.annotate(java.util.List.of(new ScanResult(vassals.toString(), true, null,
                java.util.List.of(f), java.util.List.of()))).get(0).vassals().get(0);
        assertNull(p.refusal());
        assertEquals(tmp.resolve("victim.sock").toString(), p.onDemandSocket());
    }
}
