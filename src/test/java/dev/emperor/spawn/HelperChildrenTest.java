package dev.emperor.spawn;

import dev.emperor.testing.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.JnrNative;
import dev.emperor.internal.Reaped;
import dev.emperor.internal.SpawnRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Helper exits are never taken by the loop's waitpid(-1): {@link HelperChildren#reapAny} parks them
 * for their waiter and hands every other exit through, whichever of the two reaps first.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HelperChildrenTest {
    final JnrNative nat = JnrNative.load();
    final HelperChildren helpers = new HelperChildren(nat);

    private static SpawnRequest exit(int code) {
        return new SpawnRequest("/bin/sh", List.of("sh", "-c", "exit " + code), List.of(), null, Map.of(), false);
    }

    @Test
    void loopReaperHandsHelperExitsToTheirWaiterAndKeepsTheOthers() throws Exception {
        int helper = helpers.spawn(exit(7));
        int vassal = nat.spawn(exit(3));
        List<Reaped> loopSaw = new ArrayList<>();
        Await.until(java.time.Duration.ofSeconds(10), "the vassal's exit", () -> {
            for (Reaped r = helpers.reapAny(); r.pid() > 0; r = helpers.reapAny()) { // what the loop calls
                loopSaw.add(r);
            }
            return loopSaw.stream().anyMatch(r -> r.pid() == vassal);
        });
        assertTrue(loopSaw.stream().anyMatch(r -> r.pid() == vassal && r.exitCode() == 3), "the vassal's exit reached the loop");
        assertTrue(loopSaw.stream().noneMatch(r -> r.pid() == helper), "the helper's exit never did: " + loopSaw);
        Reaped mine = helpers.awaitExit(helper, System.currentTimeMillis() + 10_000, System::currentTimeMillis);
        assertNotNull(mine);
        assertEquals(7, mine.exitCode());
        assertEquals(0, helpers.pending());
    }

    @Test
    void waiterReapsItselfWithoutALoopAndKillOnlyHitsUnreapedHelpers() throws Exception {
        // the real facade behind a proxy that records every signal sent
        List<String> signals = java.util.Collections.synchronizedList(new ArrayList<>());
        dev.emperor.internal.Native recording = (dev.emperor.internal.Native) java.lang.reflect.Proxy.newProxyInstance(
                dev.emperor.internal.Native.class.getClassLoader(), new Class<?>[] {dev.emperor.internal.Native.class},
                (proxy, method, args) -> {
                    if (method.getName().startsWith("kill")) {
                        signals.add(method.getName() + " " + args[0] + " " + args[1]);
                    }
                    try {
                        return method.invoke(nat, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        HelperChildren children = new HelperChildren(recording);
        int pid = children.spawn(new SpawnRequest("/bin/sleep", List.of("sleep", "30"), List.of(), null, Map.of(), true));
        assertNull(children.awaitExit(pid, System.currentTimeMillis() + 100, System::currentTimeMillis), "still running");
        children.kill(pid);
        assertTrue(signals.stream().anyMatch(c -> c.endsWith(" " + pid + " 9")), "killed while unreaped: " + signals);
        Reaped r = children.awaitExit(pid, System.currentTimeMillis() + 10_000, System::currentTimeMillis);
        assertEquals(9, r.signal());
        int before = signals.size();
        children.kill(pid); // reaped: the pid may be recycled by now, so no signal at all
        assertEquals(before, signals.size(), "no signal after the reap: " + signals);
        assertEquals(0, children.pending());
    }
}
