package dev.emperor.regression;

import dev.emperor.core.EmperorLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.JnrNative;
import dev.emperor.monitor.OnDemandDiscovery;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalSource;
import dev.emperor.spawn.HelperChildren;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * uWSGI UNSAFE (imperial-monitors §6): {@code emperor-on-demand-exec CMD} runs
 * {@code /bin/sh -c 'CMD "NAME"'}, so a vassal file whose name contains {@code "}, {@code $(} or
 * backticks runs code as the Emperor (usually root) as soon as it appears in the directory. Here
 * CMD's words are the argv and the name one extra argument: no shell ever sees the name.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class OnDemandExecShellInterpolationUnsafeTest {
    static final List<String> HOSTILE = List.of(
            "\"$(touch pwned)\".ini",
            "`touch pwned`.ini",
            "x\"; touch pwned; echo \".ini",
            "$(touch${IFS}pwned).ini");

    @TempDir
    Path dir;

    @Test
    void theUwsgiWayWouldRunThePayload() throws Exception {
        // the control: the same names through uWSGI's shell command line do create the file
        for (String name : HOSTILE) {
            Path sub = Files.createDirectory(dir.resolve("uwsgi-" + HOSTILE.indexOf(name)));
            Process sh = new ProcessBuilder("/bin/sh", "-c", "echo \"" + name + "\"").directory(sub.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                assertTrue(sh.waitFor(10, TimeUnit.SECONDS), "sh finished");
            } finally {
                sh.destroyForcibly();
            }
            assertTrue(Files.exists(sub.resolve("pwned")), "payload of " + name + " must be live in a shell");
        }
    }

    @Test
    void noShellRunsTheNameAndTheHelperGetsItVerbatim() throws Exception {
        Path cwd = Files.createDirectory(dir.resolve("vassals"));
        JnrNative nat = JnrNative.load();
        OnDemandDiscovery d = OnDemandDiscovery.of(null, null, "/bin/echo", nat, new HelperChildren(nat),
                List.of("PATH=/usr/bin:/bin"), 5000, System::currentTimeMillis, EmperorLog.standard());
        for (String name : HOSTILE) {
            Files.writeString(cwd.resolve(name), "[uwsgi]\n");
            VassalSource f = new VassalSource(name, cwd.resolve(name), cwd, 1, 0, 0, cwd.toString());
            ScanResult r = d.annotate(List.of(new ScanResult(cwd.toString(), true, null, List.of(f), List.of()))).get(0);
            assertEquals(name, r.vassals().get(0).onDemandSocket(), "echo printed the name as one argument");
        }
        assertFalse(Files.exists(cwd.resolve("pwned")), "nothing was executed");
        assertFalse(Files.exists(Path.of("pwned")), "nothing was executed in the test's cwd either");
    }
}
