package dev.emperor.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code emperor-magic-exec}: a vassal file with the executable bit is passed as {@code exec://NAME},
 * so uWSGI runs it and takes its output as the config; a plain file is passed as it is
 * (docs/uwsgi-compat.md, "Vassal argv"). A glob monitor, whose names carry their directory: with a dir
 * monitor uWSGI's shell looks for the bare name in PATH and fails, for both. Runs against real
 * {@code uwsgi --emperor} with {@code -Demperor.impl=uwsgi}: the same assertions hold for both.
 */
@Timeout(60)
class MagicExecIT {

    @Test
    void anExecutableConfigIsRunForItsOutput() throws Exception {
        int generated = Ports.free();
        int plain = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("magic-exec").withoutVassalsDir()
                .add("emperor", "vassals/*.ini").option("emperor-magic-exec", "true").build()) {
            Files.createDirectories(e.vassalsDir());
            e.appsDir();
            String genConfig = Vassals.python("gen", generated).render(e.appsDir());
            Vassals.writeAtomically(e.appsDir().resolve("gen.py"), Vassals.app("gen"));
            Path gen = e.vassalsDir().resolve("gen.ini");
            Files.writeString(gen, "#!/bin/sh\ncat <<'EOF'\n" + genConfig + "EOF\n");
            Files.setPosixFilePermissions(gen, PosixFilePermissions.fromString("rwxr-xr-x"));
            Vassals.python("plain", plain).writeTo(e);
            e.start();
            // a relative glob: names are vassals/NAME, which the shell runs as a path
            e.awaitAnswer(generated, "gen", TempEmperor.SHORT);
            e.awaitAnswer(plain, "plain", TempEmperor.SHORT);
            e.awaitLog("getting INI configuration from exec://vassals/gen\\.ini",
                    TempEmperor.SHORT);
        }
    }
}
