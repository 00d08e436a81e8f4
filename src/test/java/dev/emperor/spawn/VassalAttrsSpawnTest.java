package dev.emperor.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.FakeNative;
import dev.emperor.internal.SpawnRequest;
import dev.emperor.source.VassalSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code emperor-wrapper-attr} and {@code emperor-chdir-attr} as uWSGI master applies them
 * ({@code vassal_new_argv}, {@code uwsgi_emperor_spawn_vassal}; docs/uwsgi-compat.md, "Vassal attributes").
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class VassalAttrsSpawnTest {
    static final VassalAttrs ATTRS = new VassalAttrs("wrapper", "dir");

    static Spawner spawner(FakeNative nat, List<String> override, List<String> fallback) {
        return new Spawner(nat, new ArgvBuilder(List.of(), List.of(), List.of(), List.of(), List.of(), List.of()),
                new BinaryResolver(override, null, "/bin/true", fallback),
                new VassalEnvironment(Map.of("PATH", "/usr/bin:/bin"), List.of(), List.of()), List.of(),
                new Trampoline(null, null, false, false, List.of(), List.of())).attrs(ATTRS);
    }

    static VassalSource file(Map<String, String> attrs) {
        return new VassalSource("app.ini", Path.of("/srv/vassals/app.ini"), Path.of("/srv/vassals"), 1L, 0, 0,
                "/srv/vassals", attrs, null, null);
    }

    static SpawnRequest spawn(Spawner s, VassalSource src, FakeNative nat) throws Exception {
        s.spawn(s.spec(src, -1));
        return nat.spawns.get(nat.spawns.size() - 1);
    }

    @Test
    void theWrapperAttributeIsTheVassalsBinary() throws Exception {
        FakeNative nat = new FakeNative();
        SpawnRequest r = spawn(spawner(nat, List.of(), List.of()), file(Map.of("wrapper", "/bin/sh")), nat);
        assertEquals("/bin/sh", r.executable());
        assertEquals(List.of("/bin/sh", "--ini", "app.ini"), r.argv());
    }

    @Test
    void withoutTheAttributeTheEmperorsBinaryRuns() throws Exception {
        FakeNative nat = new FakeNative();
        SpawnRequest r = spawn(spawner(nat, List.of(), List.of()), file(Map.of("other", "/bin/sh")), nat);
        assertEquals("/bin/true", r.executable());
        assertEquals("/srv/vassals", r.cwd());
    }

    @Test
    void wrapperOverrideIsStillTriedFirstAndFallbackAfterAMissingWrapper() throws Exception {
        FakeNative nat = new FakeNative();
        SpawnRequest first = spawn(spawner(nat, List.of("/bin/cat"), List.of()), file(Map.of("wrapper", "/bin/sh")), nat);
        assertEquals("/bin/cat", first.executable(), "master execvp()s each override before argv[0]");
        SpawnRequest fallback = spawn(spawner(nat, List.of(), List.of("/bin/echo")),
                file(Map.of("wrapper", "/nonexistent/uwsgi-x")), nat);
        assertEquals("/bin/echo", fallback.executable(), "a wrapper that does not exist falls back as argv[0] does");
    }

    @Test
    void theWrapperIsPartOfTheSpecUsedByAForkServerAdoptionToo() {
        FakeNative nat = new FakeNative();
        Spawner s = spawner(nat, List.of(), List.of());
        SpawnSpec spec = s.spec(file(Map.of("wrapper", "/bin/sh")), -1);
        assertEquals("/bin/sh", spec.wrapper());
    }

    @Test
    void theChdirAttributeIsTheVassalsWorkingDirectoryRelativeToItsMonitor() throws Exception {
        FakeNative nat = new FakeNative();
        Spawner s = spawner(nat, List.of(), List.of());
        assertEquals("/srv/vassals/../app", spawn(s, file(Map.of("dir", "../app")), nat).cwd());
        assertEquals("/var/www", spawn(s, file(Map.of("dir", "/var/www")), nat).cwd());
    }

    @Test
    void aChdirFailureExilesTheVassalAsMastersExit26() {
        FakeNative nat = new FakeNative();
        nat.spawnErrno = 2; // posix_spawn's chdir file action: ENOENT
        Spawner s = spawner(nat, List.of(), List.of());
        Spawner.SpawnFailure f = assertThrows(Spawner.SpawnFailure.class,
                () -> s.spawn(s.spec(file(Map.of("dir", "/nonexistent/dir")), -1)));
        assertTrue(f.exile(), "no respawn until the config changes");
        assertTrue(f.getMessage().startsWith("--emperor-chdir-attr/chdir(): "), f.getMessage());
        assertTrue(f.getMessage().contains("/nonexistent/dir"), f.getMessage());
    }

    @Test
    void aHostFailureWithAChdirAttributeIsNoExile() {
        FakeNative nat = new FakeNative();
        nat.spawnErrno = 12; // ENOMEM says nothing about the directory
        Spawner s = spawner(nat, List.of(), List.of());
        Spawner.SpawnFailure f = assertThrows(Spawner.SpawnFailure.class,
                () -> s.spawn(s.spec(file(Map.of("dir", "/tmp")), -1)));
        assertEquals(false, f.exile());
    }

    @Test
    void optionsUnsetChangeNothing() {
        SpawnSpec spec = SpawnSpec.of(file(Map.of("wrapper", "/bin/sh", "dir", "/tmp")), -1, null);
        assertEquals(spec, spec.withAttrs(VassalAttrs.NONE, Map.of("wrapper", "/bin/sh", "dir", "/tmp")));
    }

    @Test
    void underTyrantTheChdirIsAStepAfterThePrivilegeDrop() throws Exception {
        FakeNative nat = new FakeNative();
        Spawner s = new Spawner(nat, new ArgvBuilder(List.of(), List.of(), List.of(), List.of(), List.of(), List.of()),
                new BinaryResolver(List.of(), null, "/bin/true", List.of()),
                new VassalEnvironment(Map.of("PATH", "/usr/bin:/bin"), List.of(), List.of()), List.of(),
                new Trampoline("/usr/bin/setpriv", null, true, false, List.of(), List.of()))
                .attrs(new VassalAttrs("wrapper", "dir", true));
        VassalSource src = new VassalSource("app.ini", Path.of("/srv/vassals/app.ini"), Path.of("/srv/vassals"), 1L, 1000,
                1000, "/srv/vassals", Map.of("dir", "../app; rm -rf /"), null, null);
        SpawnRequest r = spawn(s, src, nat);
        assertEquals("/srv/vassals", r.cwd(), "root's posix_spawn does not enter the owner's directory");
        assertEquals(List.of("/usr/bin/setpriv", "--regid", "1000", "--reuid", "1000", "--clear-groups", "--pdeathsig", "KILL",
                "--", "/bin/sh", "-c", ChdirStep.SCRIPT, "emperor-chdir", "../app; rm -rf /", "/bin/true", "--ini", "app.ini"),
                r.argv(), "the directory is a positional parameter, never shell text");
    }

    @Test
    void theChdirStepEntersTheDirectoryOrExits26() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("chdir-step");
        try {
            List<String> ok = ChdirStep.insert(List.of("/bin/pwd"), List.of("/bin/pwd"), dir.toString());
            Process p = new ProcessBuilder(ok).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            assertEquals(0, p.waitFor());
            assertEquals(dir.toRealPath().toString(), out);
            List<String> missing = ChdirStep.insert(List.of("/bin/pwd"), List.of("/bin/pwd"), dir.resolve("gone").toString());
            Process q = new ProcessBuilder(missing).redirectErrorStream(true).start();
            String err = new String(q.getInputStream().readAllBytes());
            assertEquals(26, q.waitFor(), "master's exit code: the vassal is exiled");
            assertTrue(err.contains("--emperor-chdir-attr/chdir(): cannot enter " + dir.resolve("gone")), err);
        } finally {
            java.nio.file.Files.deleteIfExists(dir);
        }
    }
}
