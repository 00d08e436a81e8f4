package dev.emperor.regression;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emperor.spawn.Trampoline;
import dev.emperor.testing.TestUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * uWSGI UNSAFE (protocol §"What happens when the Emperor dies", lifecycle §14 step 6): uWSGI sets
 * PR_SET_PDEATHSIG and <em>then</em> drops to the Tyrant owner; the kernel clears the parent-death
 * signal on a credential change, so Tyrant vassals outlive a SIGKILLed Emperor. Our trampoline
 * chain must leave the exec'd program with pdeathsig = SIGKILL after the drop (setpriv sets it
 * last, right before exec). Checked with the exact argv the Spawner uses, a probe program in place
 * of uwsgi: it prints what prctl(PR_GET_PDEATHSIG) and getuid/getgid/getgroups say. (The IT
 * TyrantIT checks the same end to end: a SIGKILLed Emperor's Tyrant vassal dies at once.)
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TyrantVassalsLosePdeathsigBugTest {
    static final String PROBE = "import ctypes, os\n"
            + "libc = ctypes.CDLL(None, use_errno=True)\n"
            + "sig = ctypes.c_int(-1)\n"
            + "libc.prctl(2, ctypes.byref(sig), 0, 0, 0)\n"
            + "print(sig.value, os.getuid(), os.geteuid(), os.getgid(), os.getgroups())\n";

    @Test
    void tyrantVassalKeepsItsParentDeathSignalAfterTheDrop(@TempDir Path tmp) throws Exception {
        TestUsers.User a = TestUsers.ensure(TestUsers.A);
        TestUsers.openUp(tmp);
        Path probe = Files.writeString(tmp.resolve("probe.py"), PROBE);
        Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("rw-r--r--"));
        Trampoline t = new Trampoline("/usr/bin/setpriv", null, true, false, List.of(), List.of());
        List<String> argv = t.argv(List.of("/usr/bin/python3", probe.toString()), a.uid(), a.gid());
        dev.emperor.testing.Probe.Result r = dev.emperor.testing.Probe.run(argv, 10);
        String out = r.out();
        assertEquals(0, r.exit(), out);
        assertEquals("9 " + a.uid() + " " + a.uid() + " " + a.gid() + " []", out,
                "pdeathsig SIGKILL (9) survives the uid/gid drop; groups cleared");
    }

    /** The kernel rule behind the bug, so the test above means something: set before the drop, it is gone. */
    @Test
    void uwsgiOrderLosesIt(@TempDir Path tmp) throws Exception {
        TestUsers.User a = TestUsers.ensure(TestUsers.A);
        String uwsgiOrder = "import ctypes, os\n"
                + "libc = ctypes.CDLL(None, use_errno=True)\n"
                + "libc.prctl(1, 9, 0, 0, 0)\n"
                + "os.setgid(" + a.gid() + "); os.setgroups([]); os.setuid(" + a.uid() + ")\n"
                + "sig = ctypes.c_int(-1)\n"
                + "libc.prctl(2, ctypes.byref(sig), 0, 0, 0)\n"
                + "print(sig.value)\n";
        String out = dev.emperor.testing.Probe.run(List.of("/usr/bin/python3", "-c", uwsgiOrder), 10).out();
        assertEquals("0", out, "PR_SET_PDEATHSIG, setgid, setuid (uWSGI's order) leaves pdeathsig 0");
    }
}
