package dev.emperor.regression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.config.ConfigLoader;
import dev.emperor.config.RawOption;
import dev.emperor.core.Blacklist;
import dev.emperor.core.EmperorLog;
import dev.emperor.core.EmperorLoop;
import dev.emperor.core.FakeStarters;
import dev.emperor.core.Lifecycle;
import dev.emperor.core.LoopHooks;
import dev.emperor.core.SnapshotFactory;
import dev.emperor.core.TestLoops;
import dev.emperor.internal.FakeNative;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalSource;
import dev.emperor.testing.Await;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * uWSGI BUG (lifecycle §11, verified): with {@code vassals-stop-hook} set, Ragnarok's hook loop
 * consumes the vassal list cursor, no vassal gets its stop byte and all are SIGKILLed at
 * reload-mercy. Here the stop hook is told about a vassal only after its process was reaped
 * (docs/hooks.md, "vassals-stop-hook"): every vassal gets its stop byte at once, each ended vassal
 * is announced once with its name, and the Emperor is buried only when the hooks are done.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class VassalsStopHookBugTest {

    @Test
    void stopHookIsAccepted() throws Exception {
        assertEquals("/bin/true", ConfigLoader.load(List.of(RawOption.of("emperor", "/tmp"),
                RawOption.of("vassals-stop-hook", "/bin/true")), Map.of(), Path.of("/tmp")).config().hooks().stopHook());
    }

    @Test
    void ragnarokStopsEveryVassalAndTheHookHearsOfEachEndAfterIt() throws Exception {
        FakeNative nat = new FakeNative();
        EmperorLog log = EmperorLog.standard();
        List<String> ended = new CopyOnWriteArrayList<>();
        List<String> stopBytesWhenHookRan = new CopyOnWriteArrayList<>();
        final boolean[] busy = {true};
        LoopHooks hooks = new LoopHooks() {
            @Override
            public void vassalEnded(String name, Path cwd) {
                ended.add(name + " in " + cwd);
                stopBytesWhenHookRan.add(String.valueOf(nat.calls.contains("write 50 0") && nat.calls.contains("write 52 0")));
            }

            @Override
            public boolean busy() {
                synchronized (busy) {
                    return busy[0];
                }
            }

            @Override
            public long millisUntilDue() {
                return 20;
            }
        };
        EmperorLoop loop = new EmperorLoop(TestLoops.settings(new Lifecycle.Settings(1000, 30_000, false, false), 10_000, 4000),
                TestLoops.parts(nat, FakeStarters.plain(nat), log, System::currentTimeMillis, new Blacklist(1000, 180_000, log),
                        new SnapshotFactory("test", 4242, 0, 0, "/v", List.of("/v"), false), hooks));
        int[] status = {-1};
        Thread thread = new Thread(() -> status[0] = loop.run(), "test-loop");
        thread.start();
        loop.execute(() -> loop.applyScan(List.of(new ScanResult("/v", true, null, List.of(file("a.ini"), file("b.ini")), List.of()))));
        Await.until("two spawns", () -> nat.spawns.size() == 2);
        loop.execute(loop::ragnarok);
        Await.until("every vassal got its stop byte", () -> nat.calls.contains("write 50 0") && nat.calls.contains("write 52 0"));
        assertEquals(List.of(), ended, "nothing ended yet: the hook has not run");
        nat.vassalExits(5000, 0);
        nat.vassalExits(5001, 0);
        Await.until("both ends announced", () -> ended.size() == 2);
        assertEquals(List.of("a.ini in /v", "b.ini in /v"), ended.stream().sorted().toList());
        assertEquals(List.of("true", "true"), stopBytesWhenHookRan);
        thread.join(300);
        assertTrue(thread.isAlive(), "not buried while the stop hooks still run");
        synchronized (busy) {
            busy[0] = false;
        }
        thread.join(5000);
        assertFalse(thread.isAlive(), "buried once the hooks are done");
        assertEquals(0, status[0]);
        assertFalse(nat.calls.stream().anyMatch(c -> c.startsWith("killGroup")), "nobody needed SIGKILL");
    }

    static VassalSource file(String name) {
        return new VassalSource(name, Path.of("/v", name), Path.of("/v"), 1, 0, 0, "/v", Map.of(), null, null);
    }
}
