package dev.emperor.internal;

import static dev.emperor.internal.NativeTestSupport.NATIVE;
import static dev.emperor.internal.NativeTestSupport.WAIT;
import static dev.emperor.internal.NativeTestSupport.awaitExit;
import static dev.emperor.internal.NativeTestSupport.readToEof;
import static dev.emperor.internal.NativeTestSupport.sh;
import static dev.emperor.internal.NativeTestSupport.statFields;
import static dev.emperor.internal.NativeTestSupport.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JnrNativeReapTest {

    @Test
    void exitCodeIsReported() throws Exception {
        int pid = NATIVE.spawn(sh("exit 7", Map.of(), false));
        Reaped r = awaitExit(pid);
        assertEquals(pid, r.pid());
        assertTrue(r.exited());
        assertEquals(7, r.exitCode());
        assertEquals(0, r.signal());
    }

    @Test
    void killedChildReportsTheSignal() throws Exception {
        int pid = NATIVE.spawn(new SpawnRequest("/bin/sleep", List.of("sleep", "30"), List.of(), null, Map.of(), false));
        assertEquals(0, NATIVE.kill(pid, Native.SIGTERM));
        Reaped r = awaitExit(pid);
        assertEquals(Native.SIGTERM, r.signal());
        assertEquals(-1, r.exitCode());
    }

    @Test
    void sigquitReachesTheChildDespiteTheJvmBlockingIt() throws Exception {
        // Java threads block SIGQUIT; without SETSIGMASK the child would inherit that and survive.
        int pid = NATIVE.spawn(new SpawnRequest("/bin/sleep", List.of("sleep", "30"), List.of(), null, Map.of(), false));
        assertEquals(0, NATIVE.kill(pid, 3));
        assertEquals(3, awaitExit(pid).signal());
    }

    @Test
    void killGroupHitsTheWholeNewSession() throws Exception {
        int[] out = NATIVE.socketpair();
        // The background sleep must not hold fd 3, or no EOF would come. The leader reports its background child's pid, then both sleep.
        int pid = NATIVE.spawn(sh("sleep 30 3>&- & echo $! >&3; exec 3>&-; wait", Map.of(3, out[1]), true));
        NATIVE.close(out[1]);
        int grandchild = Integer.parseInt(readToEof(out[0]).trim());
        NATIVE.close(out[0]);
        assertEquals(String.valueOf(pid), statFields(String.valueOf(grandchild)).get(2), "same process group");
        assertEquals(0, NATIVE.killGroup(pid, Native.SIGKILL));
        assertEquals(Native.SIGKILL, awaitExit(pid).signal());
        // The orphaned sleep is re-parented to init or to us (if another test made us a subreaper).
        assertTrue(until(WAIT, () -> gone(grandchild)), "grandchild still alive");
    }

    @Test
    void subreaperAdoptsAndReapsGrandchildren() throws Exception {
        assertTrue(NATIVE.setChildSubreaper());
        assertTrue(NATIVE.isChildSubreaper());
        int[] out = NATIVE.socketpair();
        int pid = NATIVE.spawn(sh("sleep 30 >/dev/null & echo $!", Map.of(1, out[1]), false));
        NATIVE.close(out[1]);
        int grandchild = Integer.parseInt(readToEof(out[0]).trim());
        NATIVE.close(out[0]);
        assertEquals(0, awaitExit(pid).exitCode());
        // The shell is gone: its sleep must now be our child, and reapAny must collect it.
        assertEquals(String.valueOf(NATIVE.getpid()), statFields(String.valueOf(grandchild)).get(1), "ppid");
        assertEquals(0, NATIVE.kill(grandchild, Native.SIGTERM));
        assertEquals(Native.SIGTERM, awaitExit(grandchild).signal());
    }

    @Test
    void noChildrenOnceEverythingIsReaped() throws Exception {
        int pid = NATIVE.spawn(sh("exit 0", Map.of(), false));
        awaitExit(pid);
        assertTrue(until(WAIT, () -> NATIVE.reapAny() == Reaped.NO_CHILDREN), "children left");
    }

    @Test
    void noneWhileAChildIsStillRunning() throws Exception {
        int pid = NATIVE.spawn(new SpawnRequest("/bin/sleep", List.of("sleep", "30"), List.of(), null, Map.of(), false));
        try {
            assertEquals(Reaped.NONE, NATIVE.reapAny());
        } finally {
            NATIVE.kill(pid, Native.SIGKILL);
            awaitExit(pid);
        }
    }

    @Test
    void killRefusesEverythingButSinglePids() {
        assertThrows(IllegalArgumentException.class, () -> NATIVE.kill(-1, Native.SIGTERM));
        assertThrows(IllegalArgumentException.class, () -> NATIVE.kill(0, Native.SIGTERM));
        assertThrows(IllegalArgumentException.class, () -> NATIVE.killGroup(1, Native.SIGTERM));
        assertThrows(IllegalArgumentException.class, () -> NATIVE.killGroup(0, Native.SIGTERM));
        assertThrows(IllegalArgumentException.class, () -> NATIVE.killGroup(-5, Native.SIGTERM));
        // Beyond pid_max: ESRCH comes back as a negative errno, proving errno is saved per call.
        assertEquals(-Native.ESRCH, NATIVE.kill(Integer.MAX_VALUE, 0));
        assertEquals(-Native.ESRCH, NATIVE.killGroup(Integer.MAX_VALUE, 0));
    }

    private static boolean gone(int pid) {
        try {
            return statFields(String.valueOf(pid)).get(0).equals("Z") || !Files.exists(Path.of("/proc/" + pid));
        } catch (java.io.IOException e) {
            return true; // vanished between the check and the read
        }
    }
}
