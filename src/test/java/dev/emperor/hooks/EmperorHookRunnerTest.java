package dev.emperor.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.JnrNative;
import dev.emperor.log.Log;
import dev.emperor.spawn.HelperChildren;
import dev.emperor.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Emperor-side hooks: real helper children, in event order, killed at their time limit, fatal only at start. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EmperorHookRunnerTest {
    @TempDir
    Path dir;
    final List<String> logged = new CopyOnWriteArrayList<>();
    final Log log = new Log() {
        @Override
        public void plain(String line) {
            logged.add(line);
        }

        @Override
        public void verbose(String line) {
            logged.add(line);
        }

        @Override
        public void warn(String line) {
            logged.add(line);
        }

        @Override
        public void error(String line) {
            logged.add(line);
        }

        @Override
        public void debug(String line) {
        }
    };

    EmperorHookRunner runner(HookConfig config, long timeoutMs) {
        return new EmperorHookRunner(config, new HelperChildren(JnrNative.load()), List.of("PATH=/usr/bin:/bin"), dir,
                () -> System.nanoTime() / 1_000_000, timeoutMs, log);
    }

    static HookConfig config(String stopHook, List<String> emperorStart, List<String> asEmperor, List<String> execAsEmperor) {
        return new HookConfig(null, stopHook, emperorStart, asEmperor, List.of(), List.of(), execAsEmperor, List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of());
    }

    @Test
    void spawnAndEndHooksRunInEventOrderInTheVassalsDirectory() throws Exception {
        Path hook = dir.resolve("stop.sh");
        Files.writeString(hook, "#!/bin/sh\necho \"stop $1 $UWSGI_VASSALS_DIR $PWD\" >> " + dir.resolve("order") + "\n");
        assertTrue(hook.toFile().setExecutable(true));
        Path vassals = Files.createDirectory(dir.resolve("vassals"));
        try (EmperorHookRunner r = runner(config(hook.toString(), List.of(), List.of("appendn:" + dir.resolve("order") + " as-emperor"),
                List.of("sleep 0.2; echo \"exec $UWSGI_VASSAL_CONFIG $UWSGI_VASSAL_PID $PWD\" >> " + dir.resolve("order"))), 10_000)) {
            r.afterSpawn("a.ini", vassals, 4242, 0, 0);
            r.vassalEnded("a.ini", vassals);
            assertTrue(r.busy(), "queued, not run on the caller's thread");
            Await.until("both lists ran", () -> !r.busy());
        }
        assertEquals(List.of("as-emperor", "exec a.ini 4242 " + vassals, "stop a.ini " + vassals + " " + vassals),
                Files.readAllLines(dir.resolve("order")));
    }

    @Test
    void aHungHookIsKilledAtItsLimitAndTheNextOneStillRuns() throws Exception {
        try (EmperorHookRunner r = runner(config(null, List.of(), List.of("exec:sleep 30", "create:" + dir.resolve("never")),
                List.of()), 300)) {
            r.afterSpawn("a.ini", dir, 1, 0, 0);
            r.afterSpawn("b.ini", dir, 2, 0, 0);
            Await.until("both lists ended", () -> !r.busy());
        }
        assertEquals(2, logged.stream().filter(l -> l.contains("did not finish within 300 ms: killed it")).count(), logged.toString());
        assertFalse(Files.exists(dir.resolve("never")), "the list was killed before its second step");
    }

    @Test
    void emperorStartIsFatalOnFailure() {
        try (EmperorHookRunner ok = runner(config(null, List.of("writen:" + dir.resolve("started") + " yes"), List.of(), List.of()),
                10_000)) {
            assertTrue(ok.emperorStart());
        }
        assertTrue(Files.exists(dir.resolve("started")));
        try (EmperorHookRunner bad = runner(config(null, List.of("exec:false", "create:" + dir.resolve("after")), List.of(),
                List.of()), 10_000)) {
            assertFalse(bad.emperorStart());
        }
        assertFalse(Files.exists(dir.resolve("after")), "fatal: the list stops at the failure");
        try (EmperorHookRunner none = runner(HookConfig.NONE, 10_000)) {
            assertTrue(none.emperorStart());
        }
    }

    static HookConfig onDemandConfig(List<String> onDemand, List<String> onConfig) {
        return new HookConfig(null, null, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), onDemand, onConfig);
    }

    @Test
    void onDemandHooksRunEveryLineWithTheHookContextAndReportTheirOutcome() throws Exception {
        Path out = dir.resolve("out");
        Path vassals = Files.createDirectory(dir.resolve("vassals"));
        List<Boolean> outcomes = new CopyOnWriteArrayList<>();
        try (EmperorHookRunner r = runner(onDemandConfig(
                List.of("exec:echo \"demand $UWSGI_HOOK_CONTEXT $PWD\" >> " + out, "exec:false", "appendn:" + out + " after"),
                List.of("exec:echo \"config $UWSGI_HOOK_CONTEXT\" >> " + out)), 10_000)) {
            assertTrue(r.onDemand("a.ini", vassals, false, outcomes::add));
            assertTrue(r.onDemand("b.ini", vassals, true, outcomes::add));
            Await.until("both lists ran", () -> outcomes.size() == 2);
        }
        assertEquals(List.of(false, true), outcomes, "a failed line fails the list, the other succeeded");
        assertEquals(List.of("demand a.ini " + vassals, "after", "config b.ini"), Files.readAllLines(out),
                "every line runs after a failure (master's uwsgi_hooks_run_and_return with fatal 0)");
        assertTrue(logged.isEmpty() || logged.stream().noneMatch(l -> l.contains("killed")), logged.toString());
    }

    @Test
    void withoutOnDemandLinesNothingIsQueued() {
        try (EmperorHookRunner r = runner(onDemandConfig(List.of(), List.of("print:x")), 10_000)) {
            assertFalse(r.onDemand("a.ini", dir, false, ok -> { }));
            assertFalse(r.busy());
        }
    }
}
