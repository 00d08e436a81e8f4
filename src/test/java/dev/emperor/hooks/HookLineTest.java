package dev.emperor.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Parsing of {@code action:args} lines and mount arguments into script steps, with uWSGI's wording. */
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class HookLineTest {

    @Test
    void actionAndArgumentsBecomeOperandsWithUwsgisRunningLine() {
        HookStep s = HookLine.parse("write:/tmp/x hello world", "as-vassal");
        assertEquals("write", s.op());
        assertEquals(List.of("/tmp/x", "hello world"), s.operands());
        assertEquals("running \"write:/tmp/x hello world\" (as-vassal)...", s.pre());
        assertEquals("exec", HookLine.parse("exec:echo a:b", "x").op());
        assertEquals(List.of("echo a:b"), HookLine.parse("exec:echo a:b", "x").operands(), "only the first colon splits");
        assertEquals("cd", HookLine.parse("chdir:/srv", "x").op(), "chdir is cd");
        assertEquals("print", HookLine.parse("log:hi", "x").op(), "log is print");
    }

    @Test
    void privateHookHidesItsText() {
        HookStep s = HookLine.parse("!exec:echo secret", "emperor-start");
        assertEquals("running --- PRIVATE HOOK --- (emperor-start)...", s.pre());
        assertEquals(List.of("echo secret"), s.operands());
    }

    @Test
    void badLinesAreRefusedWithUwsgisWording() {
        assertTrue(HookLine.problem("exec").startsWith("invalid hook syntax, must be hook:args"));
        assertEquals("hook action not found: nope", HookLine.problem("nope:x"));
        assertEquals("invalid hook write syntax, must be: <file> <string>", HookLine.problem("write:/tmp/x"));
        assertEquals("invalid hook chmod mask: rw", HookLine.problem("chmod:/tmp/x rw"));
        assertEquals("invalid hook chown2 syntax, uid must be a number", HookLine.problem("chown2:/tmp/x www 33"));
        assertEquals("unknown mount flag \"bogus\"", HookLine.problem("mount:tmpfs none /mnt bogus"));
        assertNull(HookLine.problem("chown2:/tmp/x 33 33"));
        assertNull(HookLine.problem("appendn:/tmp/x"));
    }

    @Test
    void dlsymAndRpcActionsAreRefusedWithTheirReason() {
        for (String a : List.of("call", "callret", "callint", "callintret")) {
            String p = HookLine.problem(a + ":my_func");
            assertTrue(p.startsWith("hook action '" + a + "' refused: ") && p.contains("dlsym()"), p);
        }
        assertTrue(HookLine.problem("rpc:hello").contains("RPC"), HookLine.problem("rpc:hello"));
        assertTrue(HookLine.problem("unix_signal:15 f").contains("dlsym()"));
        assertTrue(HookLine.problem("writefifo:/tmp/f x").contains("non-blocking open"));
    }

    @Test
    void everyActionOfUwsgisTableHasAStatus() {
        List<String> uwsgi = List.of("cd", "chdir", "mkdir", "putenv", "chmod", "chown", "chown2", "sticky", "exec",
                "safeexec", "create", "creat", "write", "writen", "append", "appendn", "writefifo", "unlink", "mount",
                "umount", "call", "callret", "callint", "callintret", "hostname", "alarm", "rpc", "retryrpc", "wait_for_fs",
                "wait_for_file", "wait_for_dir", "wait_for_socket", "unix_signal", "spinningfifo", "exit", "print", "log");
        for (String a : uwsgi) {
            HookAction action = HookAction.byName(a);
            assertTrue(action != null, a);
            assertTrue(action.refusal() != null ^ action.op() != null, a + ": supported xor refused");
        }
    }

    @Test
    void exitTakesItsCodeOnlyFromArgumentsLongerThanOneCharacter() {
        assertEquals(List.of("0"), HookLine.parse("exit:7", "x").operands(), "uwsgi_hook_exit: strlen(arg) > 1");
        assertEquals(List.of("17"), HookLine.parse("exit:17", "x").operands());
        assertEquals(List.of("0"), HookLine.parse("exit:", "x").operands());
    }

    @Test
    void mountFlagsBecomeMountOptions() {
        assertEquals(List.of("", "/srv/a", "/srv/b", "rbind,ro"), MountArgs.mount("none /srv/a /srv/b bind,rec,ro"),
                "the type means nothing to a bind mount, and mount(8) given one fails");
        assertEquals(List.of("", "", "/", "--make-rprivate"), MountArgs.mount("none / / rec,private"),
                "only the propagation of the target changes");
        assertEquals(List.of("tmpfs", "none", "/mnt", "nodev,nosuid,size=1m,mode=0700"),
                MountArgs.mount("tmpfs none /mnt nodev,nosuid size=1m,mode=0700"));
        assertEquals(List.of("proc", "none", "/proc", ""), MountArgs.mount("proc none /proc"));
        assertThrows(IllegalArgumentException.class, () -> MountArgs.mount("tmpfs /mnt"));
        assertEquals(List.of("/mnt", ""), MountArgs.umount("/mnt"));
        assertEquals(List.of("/mnt", "-lR"), MountArgs.umount("/mnt detach,rec,recursive"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MountArgs.umount("/mnt bind")).getMessage()
                .contains("means nothing to umount"));
    }
}
