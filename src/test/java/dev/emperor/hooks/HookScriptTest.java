package dev.emperor.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hook program itself, run with the real /bin/sh: each operation does what uWSGI's action does,
 * values are never shell text, the fatalities are uWSGI's, and the rest of the argv is exec'd exactly.
 * (Tests may use ProcessBuilder; the daemon spawns the same argv with posix_spawn.)
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HookScriptTest {
    @TempDir
    Path dir;

    record Ran(int status, String stdout, String stderr) {
    }

    Ran run(List<HookStep> steps, String... next) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(HookScript.prefix(steps));
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("no steps");
        }
        argv.addAll(List.of(next));
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "hook program finished");
        return new Ran(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    static HookStep line(String value, int fatal) {
        return HookLine.parse(value, "test").fatal(fatal);
    }

    @Test
    void fileActionsDoWhatUwsgisDo() throws Exception {
        Ran r = run(List.of(
                line("mkdir:" + dir.resolve("d"), 0),
                line("write:" + dir.resolve("w") + " one two", 0),
                line("writen:" + dir.resolve("n") + " line", 0),
                line("append:" + dir.resolve("n") + " more", 0),
                line("appendn:" + dir.resolve("n") + " last", 0),
                line("appendn:" + dir.resolve("n"), 0),
                line("create:" + dir.resolve("c"), 0),
                line("creat:" + dir.resolve("gone"), 0),
                line("unlink:" + dir.resolve("gone"), 0),
                line("chmod:" + dir.resolve("c") + " 640", 0),
                line("sticky:" + dir.resolve("d"), 0),
                line("print:hello from a hook", 0)));
        assertEquals(0, r.status(), r.stderr());
        assertTrue(Files.isDirectory(dir.resolve("d")));
        assertEquals("one two", Files.readString(dir.resolve("w")));
        assertEquals("line\nmorelast\n\n", Files.readString(dir.resolve("n")));
        assertEquals(0, Files.size(dir.resolve("c")));
        assertFalse(Files.exists(dir.resolve("gone")));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("c"))));
        assertTrue(r.stderr().contains("running \"print:hello from a hook\" (test)...\nhello from a hook\n"), r.stderr());
    }

    @Test
    void valuesAreNeverShellText() throws Exception {
        // write: splits at the first space, so the hostile file name has none
        String hostile = dir.resolve("$(touch${IFS}pwned)`touch${IFS}pwned2`;touch${IFS}pwned3\"'").toString();
        Ran r = run(List.of(line("write:" + hostile + " $(touch pwned4)", 0),
                line("mkdir:" + dir.resolve("a dir; touch pwned5"), 0)));
        assertEquals(0, r.status(), r.stderr());
        assertEquals("$(touch pwned4)", Files.readString(Path.of(hostile)));
        assertTrue(Files.isDirectory(dir.resolve("a dir; touch pwned5")));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("pwned")), "nothing was executed");
        }
    }

    @Test
    void execRunsTheOperatorsShellCommandAfterCdAndPutenv() throws Exception {
        Files.createDirectory(dir.resolve("sub"));
        Ran r = run(List.of(line("cd:" + dir.resolve("sub"), 0), line("putenv:HOOKVAR=a b", 0),
                line("exec:echo \"$HOOKVAR $(basename \"$PWD\")\" > out", 0)));
        assertEquals(0, r.status(), r.stderr());
        assertEquals("a b sub\n", Files.readString(dir.resolve("sub/out")));
    }

    @Test
    void fatalitiesAreUwsgis() throws Exception {
        Ran asVassal = run(List.of(line("exec:exit 3", 1), line("create:" + dir.resolve("never"), 0)));
        assertEquals(1, asVassal.status());
        assertTrue(asVassal.stderr().contains("command \"exit 3\" exited with non-zero code: 3\nFATAL hook failed, destroying instance\n"),
                asVassal.stderr());
        assertFalse(Files.exists(dir.resolve("never")), "a fatal failure stops the list");

        Ran asEmperor = run(List.of(line("exec:exit 3", 0), line("create:" + dir.resolve("after"), 0)));
        assertEquals(0, asEmperor.status(), "as-emperor hooks are not fatal");
        assertTrue(Files.exists(dir.resolve("after")));

        Ran safe = run(List.of(line("safeexec:exit 4", 1)));
        assertEquals(0, safe.status(), "safeexec never fails");

        Ran beforeVassal = run(List.of(line("exec:false", 3), line("create:" + dir.resolve("still"), 3)));
        assertEquals(1, beforeVassal.status(), "master's run_and_return: every line runs, the list fails");
        assertTrue(Files.exists(dir.resolve("still")));

        Ran execAsVassal = run(List.of(HookStep.of("exec", 2, "running \"false\" (as-vassal)...", "", "false")));
        assertEquals(1, execAsVassal.status());
        assertFalse(execAsVassal.stderr().contains("FATAL"), "exec-as-vassal exits 1 without the hook line");
    }

    @Test
    void exitEndsWithItsCode() throws Exception {
        assertEquals(17, run(List.of(line("exit:17", 1))).status());
    }

    @Test
    void theRestOfTheArgvIsExecdUnchanged() throws Exception {
        Ran r = run(List.of(line("print:x", 1)), "/usr/bin/printf", "%s|", "--", "a b", "$(x)", "");
        assertEquals(0, r.status(), r.stderr());
        assertEquals("--|a b|$(x)||", r.stdout());
        Ran none = run(List.of(line("print:x", 1)));
        assertEquals(0, none.status());
    }

    @Test
    void startAndStopHooksGetTheNameAsOneArgumentAndTheVassalsDir() throws Exception {
        Path hook = dir.resolve("hook.sh");
        Files.writeString(hook, "#!/bin/sh\nprintf '%s|%s|%s\\n' \"$#\" \"$1\" \"$UWSGI_VASSALS_DIR\" > " + dir.resolve("seen")
                + "\nexit 5\n");
        hook.toFile().setExecutable(true);
        HookConfig c = new HookConfig(hook.toString(), null, List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
        Ran r = run(c.vassalSteps("my app; $(x).ini", "/srv/vassals"), "/bin/true");
        assertEquals(0, r.status(), "the start hook's result is ignored");
        assertEquals("1|my app; $(x).ini|/srv/vassals\n", Files.readString(dir.resolve("seen")));
        assertTrue(r.stderr().contains("[emperor] running vassal start-hook: " + hook + " my app; $(x).ini\n"), r.stderr());
        assertTrue(r.stderr().contains("[emperor] my app; $(x).ini start-hook returned 5\n"), r.stderr());
    }

    @Test
    void execAsEmperorSeesTheVassalsVariables() throws Exception {
        HookConfig c = new HookConfig(null, null, List.of(), List.of(), List.of(), List.of(),
                List.of("echo \"$UWSGI_VASSAL_CONFIG $UWSGI_VASSAL_PID $UWSGI_VASSAL_UID $UWSGI_VASSAL_GID\" > env.txt"),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
        Ran r = run(c.afterSpawnSteps("a.ini", 1234, 1000, 1001));
        assertEquals(0, r.status(), r.stderr());
        assertEquals("a.ini 1234 1000 1001\n", Files.readString(dir.resolve("env.txt"), StandardCharsets.UTF_8));
        assertTrue(r.stderr().contains("(as-emperor for vassal \"a.ini\" pid: 1234 uid: 1000 gid: 1001)..."), r.stderr());
        assertTrue(r.stderr().contains("exited with code: 0"), r.stderr());
    }

    @Test
    void waitForFileGivesUpAfterItsTimeout() throws Exception {
        HookStep wait = new HookStep("wait", 0, "", "", List.of("file", dir.resolve("never").toString(), "1"));
        Ran r = run(List.of(wait.fatal(1)));
        assertEquals(1, r.status());
        assertTrue(r.stderr().contains("unavailable after 2 seconds"), r.stderr());
        Files.createFile(dir.resolve("there"));
        HookStep found = new HookStep("wait", 1, "", "", List.of("file", dir.resolve("there").toString(), "1"));
        Ran ok = run(List.of(found));
        assertEquals(0, ok.status(), ok.stderr());
        assertTrue(ok.stderr().contains(dir.resolve("there") + " found"), ok.stderr());
    }
}
