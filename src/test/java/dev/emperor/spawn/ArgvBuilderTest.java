package dev.emperor.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The argv uWSGI builds, spec/emperor-options.md §4 (verified there with a recording wrapper). */
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class ArgvBuilderTest {

    @Test
    void orderMatchesUwsgiRecording() {
        ArgvBuilder b = new ArgvBuilder(List.of("tb.ini"), List.of("ib.ini"), List.of("k1=v1", "k2=v2"),
                List.of("t1.ini"), List.of("i1.ini"), List.of());
        assertEquals(List.of("/usr/bin/uwsgi-core", "--inherit", "tb.ini", "--include", "ib.ini", "--set", "k1=v1",
                "--set", "k2=v2", "--ini", "a.ini", "--inherit", "t1.ini", "--include", "i1.ini"),
                b.build("/usr/bin/uwsgi-core", "a.ini", null));
    }

    @Test
    void flagByExtensionLaterMatchWinsAndExtraExtensionWinsOverAll() {
        ArgvBuilder b = new ArgvBuilder(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(".conf", ".ini"));
        assertEquals("--config", b.configFlag("foo.conf"));
        assertEquals("--config", b.configFlag("a.ini"), "an extra extension overrides the built-ins");
        ArgvBuilder plain = new ArgvBuilder(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
        assertEquals("--xml", plain.configFlag("a.xml"));
        assertEquals("--yaml", plain.configFlag("a.yml"));
        assertEquals("--yaml", plain.configFlag("a.yaml"));
        assertEquals("--json", plain.configFlag("a.js"));
        assertEquals("--json", plain.configFlag("a.json"));
        assertEquals("--inherit", plain.configFlag("a.txt"));
        assertEquals("--ini", plain.configFlag("bl.ini:zerg"), "zergs: extension of the part before ':'");
    }

    @Test
    void configSchemePrefixesTheName() {
        ArgvBuilder b = new ArgvBuilder(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
        assertEquals(List.of("uwsgi", "--ini", "emperor://x.ini"), b.build("uwsgi", "x.ini", "emperor://"));
    }

    @Test
    void magicExecPassesAnExecutableConfigAsExecScheme(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("gen.ini"), "#!/bin/sh\n");
        java.nio.file.Files.setPosixFilePermissions(dir.resolve("gen.ini"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        java.nio.file.Files.writeString(dir.resolve("plain.ini"), "[uwsgi]\n");
        ArgvBuilder b = new ArgvBuilder(List.of(), List.of(), List.of(), List.of(), List.of(), List.of()).withMagicExec(true);
        assertEquals(List.of("uwsgi", "--ini", "exec://gen.ini"),
                b.build("uwsgi", new SpawnSpec("gen.ini", dir, 0, 0, null, -1, null)));
        assertEquals(List.of("uwsgi", "--ini", "plain.ini"),
                b.build("uwsgi", new SpawnSpec("plain.ini", dir, 0, 0, null, -1, null)));
        assertEquals(List.of("uwsgi", "--ini", "emperor://gen.ini"),
                b.build("uwsgi", new SpawnSpec("gen.ini", dir, 0, 0, new byte[] {'x'}, -1, null)),
                "a config-pipe vassal keeps emperor://");
        ArgvBuilder off = new ArgvBuilder(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
        assertEquals(List.of("uwsgi", "--ini", "gen.ini"), off.build("uwsgi", new SpawnSpec("gen.ini", dir, 0, 0, null, -1, null)));
    }
}
