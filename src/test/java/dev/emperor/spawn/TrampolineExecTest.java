package dev.emperor.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emperor.testing.TestUsers;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The trampoline argv exec'd for real (root-only) with a shell probe in place of uwsgi: what the
 * program finally runs with. (Tests may use ProcessBuilder; the daemon spawns the same argv with posix_spawn.)
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TrampolineExecTest {
    static final String PROBE = "grep -E '^(Uid|Gid|Groups|CapBnd):' /proc/self/status | tr -s '\\t ' ' ';"
            + " echo ns $(readlink /proc/self/ns/uts)";

    static String run(Trampoline t, int uid, int gid) throws Exception {
        dev.emperor.testing.Probe.Result r = dev.emperor.testing.Probe.run(t.argv(List.of("/bin/sh", "-c", PROBE), uid, gid), 10);
        assertEquals(0, r.exit(), r.out());
        return r.out();
    }

    @Test
    void initgroupsGivesTheOwnersGroupsClearGroupsNone() throws Exception {
        TestUsers.User a = TestUsers.ensure(TestUsers.A);
        String init = run(new Trampoline("/usr/bin/setpriv", null, true, true, List.of(), List.of()), a.uid(), a.gid());
        assertEquals("Groups: " + a.gid(), init.lines().filter(l -> l.startsWith("Groups:")).findFirst().orElseThrow().trim());
        String clear = run(new Trampoline("/usr/bin/setpriv", null, true, false, List.of(), List.of()), a.uid(), a.gid());
        assertEquals("Groups:", clear.lines().filter(l -> l.startsWith("Groups:")).findFirst().orElseThrow().trim());
        assertEquals("Uid: " + a.uid() + " " + a.uid() + " " + a.uid() + " " + a.uid(),
                clear.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().trim());
    }

    @Test
    void boundingSetAndUtsNamespace() throws Exception {
        TestUsers.requireRoot();
        String host = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/uts")).toString();
        String out = run(new Trampoline("/usr/bin/setpriv", "/usr/bin/unshare", false, false,
                List.of("setuid", "setgid", "net_bind_service"), List.of("uts")), 0, 0);
        assertEquals("CapBnd: 00000000000005c0", out.lines().filter(l -> l.startsWith("CapBnd:")).findFirst().orElseThrow().trim());
        String ns = out.lines().filter(l -> l.startsWith("ns ")).findFirst().orElseThrow().substring(3);
        org.junit.jupiter.api.Assertions.assertNotEquals(host, ns, "new uts namespace: " + ns + " vs " + host);
    }
}
