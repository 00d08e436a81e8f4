package dev.emperor.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.core.EmperorLog;
import dev.emperor.core.LoopHooks;
import dev.emperor.core.LoopImage;
import dev.emperor.internal.FakeNative;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The old process's half (docs/upgrade.md, "Order of events") against a facade whose execve fails. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class InPlaceUpgradeTest {

    /** FakeNative plus the exec primitives, recorded in order. */
    static final class ExecNative extends FakeNative {
        final List<String> steps = new ArrayList<>();
        List<String> env = List.of();
        List<String> argv = List.of();

        @Override
        public int memfd(String name) {
            steps.add("memfd");
            return 77;
        }

        @Override
        public int write(int fd, byte[] buf, int off, int len) {
            if (fd == 77) {
                steps.add("write 77");
                return len;
            }
            return super.write(fd, buf, off, len);
        }

        @Override
        public int markAllCloseOnExec() {
            steps.add("mark all");
            return 0;
        }

        @Override
        public void setCloseOnExec(int fd, boolean on) {
            steps.add((on ? "cloexec " : "inherit ") + fd);
        }

        @Override
        public int execve(String path, List<String> argv, List<String> env) {
            steps.add("execve " + path);
            this.argv = argv;
            this.env = env;
            return 2; // ENOENT
        }

        @Override
        public synchronized void close(int fd) {
            steps.add("close " + fd);
        }
    }

    final List<String> hooks = new ArrayList<>();
    final LoopHooks recording = new LoopHooks() {
        @Override
        public void reloading() {
            hooks.add("RELOADING=1");
        }

        @Override
        public void reloaded() {
            hooks.add("READY=1");
        }
    };

    static LoopImage image(boolean earlier) {
        return new LoopImage(List.of(new LoopImage.VassalImage("a.ini", "/v", "RUNNING", Map.of("pipe", 40, "config", 41),
                Map.of("pid", 500L), Map.of(LoopImage.EARLIER_GENERATION, earlier), Map.of()),
                new LoopImage.VassalImage("od.ini", "/v", "ON_DEMAND", Map.of("listen", 42), Map.of(), Map.of(), Map.of())),
                List.of(), Map.of());
    }

    @Test
    void aFailedExecLeavesEveryFdCloseOnExecAgainAndCarriesOn() {
        ExecNative nat = new ExecNative();
        InPlaceUpgrade up = new InPlaceUpgrade(nat, EmperorLog.standard(), recording,
                new ExecTarget("/usr/bin/emperor", List.of("/usr/bin/emperor", "--ini", "e.ini")),
                Map.of("PATH", "/bin", InPlaceUpgrade.STATE_ENV, "9"), true);
        String why = up.run(image(false), Map.of("stats", 7));
        assertTrue(why.startsWith("execve /usr/bin/emperor: "), why);
        assertEquals(List.of("RELOADING=1", "READY=1"), hooks);
        int exec = nat.steps.indexOf("execve /usr/bin/emperor");
        List<String> before = nat.steps.subList(0, exec);
        assertEquals(List.of("memfd", "write 77", "mark all"), before.subList(0, 3), "marked before clearing: " + nat.steps);
        assertEquals(java.util.Set.of("inherit 7", "inherit 40", "inherit 41", "inherit 42", "inherit 77"),
                java.util.Set.copyOf(before.subList(3, before.size())), "exactly the handed-over fds and the memfd");
        List<String> after = nat.steps.subList(exec + 1, nat.steps.size());
        assertEquals(java.util.Set.of("cloexec 7", "cloexec 40", "cloexec 41", "cloexec 42", "cloexec 77", "close 77"),
                java.util.Set.copyOf(after));
        assertEquals(List.of("/usr/bin/emperor", "--ini", "e.ini"), nat.argv);
        assertTrue(nat.env.contains("PATH=/bin"), nat.env.toString());
        assertTrue(nat.env.contains(InPlaceUpgrade.STATE_ENV + "=77"), nat.env.toString());
        assertTrue(nat.env.contains(InPlaceUpgrade.FDS_ENV + "=40:500:a.ini,41:-1:a.ini,42:-1:od.ini,7:0:stats"), nat.env.toString());
    }

    @Test
    void refusedWhenAHandedOverProcessWouldDieOfItsParentDeathSignal() {
        ExecNative nat = new ExecNative();
        ExecTarget target = new ExecTarget("/e", List.of("/e"));
        InPlaceUpgrade armed = new InPlaceUpgrade(nat, EmperorLog.standard(), recording, target, Map.of(), true);
        String why = armed.refusal(image(true));
        assertTrue(why != null && why.contains("a.ini") && why.contains("parent-death signal"), why);
        assertEquals(why, armed.run(image(true), Map.of()));
        assertTrue(nat.steps.isEmpty(), "nothing done: " + nat.steps);
        assertTrue(hooks.isEmpty());
        assertNull(armed.refusal(image(false)));
        InPlaceUpgrade unarmed = new InPlaceUpgrade(nat, EmperorLog.standard(), recording, target, Map.of(), false)
                .inheritedParentDeath(false);
        assertNull(unarmed.refusal(image(true)), "vassals spawned without the signal (no setpriv, emperor-no-pdeathsig)");
        InPlaceUpgrade turnedOff = new InPlaceUpgrade(nat, EmperorLog.standard(), recording, target, Map.of(), false);
        assertNotNull(turnedOff.refusal(image(true)),
                "emperor-no-pdeathsig set since: the handed-over vassals still carry their spawner's signal");
    }

    @Test
    void theLauncherIsExecutedWithTheDaemonsArguments() {
        List<String> cmd = List.of("/usr/lib/jvm/x/bin/java", "-Xrs", "-Demperor.launcher=/usr/bin/emperor", "-jar",
                "/usr/share/emperor/emperor.jar", "--ini", "/etc/e.ini", "-jar", "x");
        assertEquals(new ExecTarget("/usr/bin/emperor", List.of("/usr/bin/emperor", "--ini", "/etc/e.ini", "-jar", "x")),
                ExecTarget.of("/usr/bin/emperor", cmd, "/usr/lib/jvm/x/bin/java"));
        assertEquals(new ExecTarget("/usr/lib/jvm/x/bin/java", cmd), ExecTarget.of(null, cmd, "/usr/lib/jvm/x/bin/java (deleted)"),
                "plain java -jar: the same command line again");
        assertEquals(List.of("a", "b", ""), ExecTarget.cmdline("a\0b\0\0".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
