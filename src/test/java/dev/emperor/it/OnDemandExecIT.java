package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code emperor-on-demand-exec} in the running daemon: the helper runs off the loop (whose
 * waitpid(-1) must hand its exit back, not swallow it), names the socket of {@code od.ini}, prints
 * nothing for the other vassal, whose file name is a shell payload that uWSGI would execute.
 */
@Timeout(60)
class OnDemandExecIT {

    @Test
    void helperNamesTheSocketAndAHostileFileNameRunsNothing() throws Exception {
        Assumptions.assumeFalse(Impl.isUwsgi(), "uWSGI runs the exec through /bin/sh: the payload would run (spec UNSAFE)");
        int odPort = Ports.free();
        int plainPort = Ports.free();
        Path root = Files.createTempDirectory("emperor-it-ondemand-exec-");
        Path lookup = root.resolve("lookup.sh");
        Path seen = root.resolve("lookup-args.txt"); // one line per call: the helper's "$1", proving what it got
        Files.writeString(lookup, "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '" + seen + "'\n"
                + "case \"$1\" in od.ini) echo 127.0.0.1:" + odPort + " ;; esac\n");
        Files.setPosixFilePermissions(lookup, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (TempEmperor e = TempEmperor.prepare("ondemand-exec").root(root, false)
                .option("emperor-on-demand-exec", lookup.toString()).build()) {
            OnDemandIT.onDemandVassal("od").writeTo(e);
            String hostile = "$(touch pwned)`touch pwned2`.ini";
            Vassals.python("plain", plainPort).fileName(hostile).writeTo(e);
            e.start();
            e.awaitLog(Pattern.quote("[uwsgi-emperor] od.ini -> \"on demand\" instance detected, waiting for connections on socket \"127.0.0.1:"
                    + odPort + "\" ..."), TempEmperor.SHORT);
            e.awaitAnswer(plainPort, "plain", TempEmperor.SHORT); // no socket name for it: a normal vassal
            OnDemandIT.timedHello(odPort, "od").orElseThrow(() -> new AssertionError("od.ini did not answer\n" + e.diagnostics()));
            // the payload checks below mean something only if the helper really got the hostile name, whole, as $1
            assertTrue(Files.exists(seen) && Files.readAllLines(seen).contains(hostile),
                    "the helper ran with the hostile file name as one argument; it saw: "
                            + (Files.exists(seen) ? Files.readAllLines(seen) : "nothing") + "\n" + e.diagnostics());
            assertFalse(Files.exists(e.vassalsDir().resolve("pwned")), "the file name was not run by a shell");
            assertFalse(Files.exists(e.vassalsDir().resolve("pwned2")), "the file name was not run by a shell");
            assertFalse(e.logHas("emperor-on-demand-exec"), "no helper failed or timed out\n" + e.diagnostics());
        }
    }
}
