package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.testing.TestUsers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * uWSGI's hook options on an Emperor (docs/hooks.md): the hooks write files (and record their
 * environment, cwd, pid relations and order), and the same assertions hold for this daemon and for
 * {@code uwsgi --emperor} ({@code -Demperor.impl=uwsgi}), except where uWSGI has a bug: with
 * {@code vassals-stop-hook} its Ragnarok stops nobody (every vassal is SIGKILLed at reload-mercy),
 * asserted as such in uWSGI mode. Mount hooks run only as root (a failure in CI when not root).
 */
@Timeout(120)
class HooksIT {

    /** A command hook recording its argv, UWSGI_VASSALS_DIR, cwd and uid, one line per run. */
    static Path recorder(Path root, Path out) throws IOException {
        Path hook = root.resolve("rec.sh");
        Files.writeString(hook, "#!/bin/sh\nprintf '%s|%s|%s|%s|%s|%s\\n' \"$(basename \"$0\")\" \"$#\" \"$1\" "
                + "\"$UWSGI_VASSALS_DIR\" \"$PWD\" \"$(id -u)\" >> " + out.resolve("cmdhooks.log") + "\n");
        // readable and executable by everyone: under Tyrant the start hook runs as the vassal's owner
        Files.setPosixFilePermissions(hook, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return hook;
    }

    static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    @Test
    void hooksRunWhereWhenAndWithWhatUwsgiRunsThem() throws Exception {
        Path root = Files.createTempDirectory("emperor-it-hooks-");
        Path out = Files.createDirectories(root.resolve("out"));
        Path hook = recorder(root, out);
        int port = Ports.free();
        TempEmperor.Builder b = TempEmperor.prepare("hooks").root(root, false)
                .add("vassals-start-hook", hook.toString())
                .add("hook-emperor-start", "writen:" + out.resolve("emperor-start") + " started")
                .add("hook-as-emperor", "appendn:" + out.resolve("emperor.log") + " as-emperor")
                .add("exec-as-emperor", "echo \"exec-as-emperor $UWSGI_VASSAL_CONFIG $UWSGI_VASSAL_PID $UWSGI_VASSAL_UID"
                        + " $UWSGI_VASSAL_GID $PWD\" >> " + out.resolve("emperor.log"))
                .add("hook-as-vassal", "appendn:" + out.resolve("vassal.log") + " as-vassal")
                .add("hook-as-vassal", "!exec:echo \"private $PWD\" >> " + out.resolve("vassal.log"))
                // $PPID of an exec-as-vassal command is the process that becomes the vassal (same pid after exec)
                .add("exec-as-vassal", "echo \"exec-as-vassal $PPID $(id -u) $PWD ${UWSGI_EMPEROR_FD:+has-fd}\" >> "
                        + out.resolve("vassal.log"));
        try (TempEmperor e = b.build()) {
            Vassals.python("app", port).writeTo(e);
            e.start();
            Stats.Vassal v = e.awaitVassal("app.ini", TempEmperor.SHORT, "accepting", Stats.Vassal::accepting);
            e.awaitAnswer(port, "app", TempEmperor.SHORT);
            Path dir = e.vassalsDir().toRealPath();
            int uid = (Integer) Files.getAttribute(e.vassalsDir().resolve("app.ini"), "unix:uid");
            int gid = (Integer) Files.getAttribute(e.vassalsDir().resolve("app.ini"), "unix:gid");
            e.await(TempEmperor.SHORT, "the as-emperor hooks ran", () -> lines(out.resolve("emperor.log")).size() == 2);

            assertEquals(List.of("started"), lines(out.resolve("emperor-start")));
            assertEquals(List.of("as-vassal", "private " + dir, "exec-as-vassal " + v.pid() + " 0 " + dir + " has-fd"),
                    lines(out.resolve("vassal.log")), "in order, in the vassal's process and directory, before uwsgi");
            assertEquals(List.of("as-emperor", "exec-as-emperor app.ini " + v.pid() + " " + uid + " " + gid + " " + dir),
                    lines(out.resolve("emperor.log")), "after the spawn, with UWSGI_VASSAL_CONFIG/PID/UID/GID");
            assertEquals(List.of("rec.sh|1|app.ini|" + dir + "|" + dir + "|0"), lines(out.resolve("cmdhooks.log")),
                    "the start hook gets the name as its one argument, and UWSGI_VASSALS_DIR");

            e.awaitLog(Pattern.quote("running \"appendn:" + out.resolve("vassal.log") + " as-vassal\" (as-vassal)..."),
                    TempEmperor.SHORT);
            e.awaitLog(Pattern.quote("running --- PRIVATE HOOK --- (as-vassal)..."), TempEmperor.SHORT);
            e.awaitLog(Pattern.quote("running \"writen:" + out.resolve("emperor-start") + " started\" (emperor-start)..."),
                    TempEmperor.SHORT);
            e.awaitLog(Pattern.quote("[emperor] running vassal start-hook: " + hook + " app.ini"), TempEmperor.SHORT);
            e.awaitLog(Pattern.quote("[emperor] app.ini start-hook returned 0"), TempEmperor.SHORT);
            e.awaitLog(Pattern.quote("(as-emperor for vassal \"app.ini\" pid: " + v.pid() + " uid: " + uid + " gid: " + gid
                    + ")..."), TempEmperor.SHORT);
            e.awaitLog("exited with code: 0", TempEmperor.SHORT);
        }
    }

    @Test
    void stopHookRunsWithTheNameAfterTheVassalWasRemoved() throws Exception {
        Path root = Files.createTempDirectory("emperor-it-stophook-");
        Path out = Files.createDirectories(root.resolve("out"));
        Path hook = recorder(root, out);
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("stophook").root(root, false).add("vassals-stop-hook", hook.toString())
                .build()) {
            Vassals.python("app", port).writeTo(e);
            e.start();
            e.awaitAnswer(port, "app", TempEmperor.SHORT);
            assertEquals(List.of(), lines(out.resolve("cmdhooks.log")), "no stop hook while it runs");
            Files.delete(e.vassalsDir().resolve("app.ini"));
            Path dir = e.vassalsDir().toRealPath();
            e.await(TempEmperor.SHORT, "the stop hook ran", () -> !lines(out.resolve("cmdhooks.log")).isEmpty());
            assertEquals(List.of("rec.sh|1|app.ini|" + dir + "|" + dir + "|0"), lines(out.resolve("cmdhooks.log")));
            e.awaitLog(Pattern.quote("[emperor] running vassal stop-hook: " + hook + " app.ini"), TempEmperor.SHORT);
            e.awaitLog(Pattern.quote("[emperor] app.ini stop-hook returned 0"), TempEmperor.SHORT);
            e.await(TempEmperor.SHORT, "the vassal is gone", () -> e.stats().vassals().isEmpty());
        }
    }

    @Test
    void ragnarokWithAStopHookStopsTheVassalsHereAndNotInUwsgi() throws Exception {
        Path root = Files.createTempDirectory("emperor-it-ragnarok-hook-");
        Path out = Files.createDirectories(root.resolve("out"));
        Path hook = recorder(root, out);
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("ragnarok-hook").root(root, false)
                .add("vassals-stop-hook", hook.toString()).option("reload-mercy", "8").build()) {
            Vassals.python("app", port).writeTo(e);
            e.start();
            e.awaitAnswer(port, "app", TempEmperor.SHORT);
            long start = System.nanoTime();
            e.signal("INT");
            assertEquals(0, e.awaitExit(Duration.ofSeconds(30)));
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertEquals(1, lines(out.resolve("cmdhooks.log")).size(), "one stop hook for the one vassal");
            if (e.impl() == Impl.UWSGI) {
                // uWSGI BUG: the hook loop used up the vassal list, nobody got the stop byte
                assertTrue(e.logHas("NO MERCY for vassal app.ini"), e.diagnostics());
                assertTrue(seconds >= 7, "uWSGI waited for reload-mercy: " + seconds + " s");
            } else {
                assertFalse(e.logHas("NO MERCY"), e.diagnostics());
                assertTrue(seconds < 7, "the vassal stopped at once, not at reload-mercy: " + seconds + " s");
                assertTrue(e.logHas(Pattern.quote("[emperor] app.ini stop-hook returned 0")), e.diagnostics());
            }
        }
    }

    @Test
    void aFailingHookAsVassalDestroysTheVassalBeforeUwsgiRuns() throws Exception {
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("fatal-hook").add("hook-as-vassal", "exec:exit 3").build()) {
            Vassals.python("app", port).writeTo(e);
            e.start();
            e.awaitLog(Pattern.quote("command \"exit 3\" exited with non-zero code: 3"), TempEmperor.SHORT);
            e.awaitLog("FATAL hook failed, destroying instance", TempEmperor.SHORT);
            e.holds(Duration.ofSeconds(3), "the vassal never serves", () -> !Http.tryGet(port).isPresent());
            assertFalse(e.logHas("getting INI configuration from app\\.ini"), "uwsgi never ran: " + e.diagnostics());
        }
    }

    @Test
    void aFailingEmperorStartHookEndsTheEmperorBeforeAnySpawn() throws Exception {
        Path root = Files.createTempDirectory("emperor-it-start-hook-");
        Path marker = root.resolve("spawned");
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("start-hook").root(root, false)
                .add("hook-emperor-start", "exec:false")
                .add("exec-as-vassal", "touch " + marker).build()) {
            Vassals.python("app", port).writeTo(e);
            e.launch();
            assertEquals(1, e.awaitExit(Duration.ofSeconds(30)));
            assertTrue(e.logHas(Pattern.quote("command \"false\" exited with non-zero code: 1")), e.diagnostics());
            assertFalse(Files.exists(marker), "no vassal was spawned");
        }
    }

    @Test
    void mountHooksRunInTheVassalsMountNamespace() throws Exception {
        TestUsers.requireRoot();
        Path root = Files.createTempDirectory("emperor-it-mount-hook-").toRealPath();
        Path out = Files.createDirectories(root.resolve("out"));
        Path mnt = Files.createDirectories(root.resolve("mnt"));
        Path gone = Files.createDirectories(root.resolve("gone"));
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("mount-hook").root(root, false)
                .add("emperor-use-clone", "fs")
                // a private tree first: on a shared / (systemd) the mounts would otherwise propagate to the host
                .add("mount-as-vassal", "none / / rec,private")
                .add("mount-as-vassal", "tmpfs none " + mnt + " nodev,nosuid size=1m")
                .add("mount-as-vassal", "tmpfs none " + gone)
                .add("umount-as-vassal", gone.toString())
                .add("exec-as-vassal", "grep -E ' " + root + "/(mnt|gone) ' /proc/self/mounts > " + out.resolve("mounts")
                        + "; true")
                .build()) {
            Vassals.python("app", port).writeTo(e);
            e.start();
            e.awaitAnswer(port, "app", TempEmperor.SHORT);
            e.awaitLog(Pattern.quote("mounting \"tmpfs none " + mnt + " nodev,nosuid size=1m\" (as-vassal)..."), TempEmperor.SHORT);
            e.awaitLog(Pattern.quote("un-mounting \"" + gone + "\" (as-vassal)..."), TempEmperor.SHORT);
            List<String> mounts = lines(out.resolve("mounts"));
            assertEquals(1, mounts.size(), "the tmpfs on mnt, not the unmounted one: " + mounts);
            assertTrue(mounts.get(0).matches("none " + Pattern.quote(mnt.toString()) + " tmpfs rw,nosuid,nodev,.*size=1024k.*"),
                    mounts.get(0));
            assertFalse(Files.readString(Path.of("/proc/self/mounts")).contains(" " + mnt + " "), "not in the host's namespace");
        }
    }

    @Test
    void underTyrantTheVassalsHooksRunAsItsOwnerAndTheEmperorsAsRoot() throws Exception {
        TestUsers.requireRoot();
        TestUsers.User owner = TestUsers.ensure(TestUsers.A);
        Path root = Files.createTempDirectory("emperor-it-tyrant-hooks-");
        Path out = Files.createDirectories(root.resolve("out"));
        Path hook = recorder(root, out);
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("tyrant-hooks").root(root, false).option("emperor-tyrant", "true")
                .add("vassals-start-hook", hook.toString())
                .add("exec-as-emperor", "echo \"$UWSGI_VASSAL_UID $UWSGI_VASSAL_GID $(id -u)\" >> " + out.resolve("emperor.log"))
                .add("exec-as-vassal", "echo \"$(id -u) $(id -g)\" >> " + out.resolve("vassal.log"))
                .build()) {
            TestUsers.openUp(e.root(), e.vassalsDir(), e.appsDir(), out);
            Files.setPosixFilePermissions(out, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            Vassals.Spec spec = Vassals.python("app", port);
            Path app = Vassals.writeAtomically(e.appsDir().resolve("app.py"), Vassals.app("app"));
            Files.setPosixFilePermissions(app, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            TestUsers.writeOwned(e.vassalsDir().resolve(spec.fileName()), spec.render(e.appsDir()), owner);
            e.start();
            e.awaitAnswer(port, "app", TempEmperor.SHORT);
            e.await(TempEmperor.SHORT, "the as-emperor hook ran", () -> !lines(out.resolve("emperor.log")).isEmpty());
            Path dir = e.vassalsDir().toRealPath();
            assertEquals(List.of(owner.uid() + " " + owner.gid()), lines(out.resolve("vassal.log")),
                    "after the privilege drop, as uWSGI's child runs them");
            assertEquals(List.of("rec.sh|1|app.ini|" + dir + "|" + dir + "|" + owner.uid()), lines(out.resolve("cmdhooks.log")));
            assertEquals(List.of(owner.uid() + " " + owner.gid() + " 0"), lines(out.resolve("emperor.log")),
                    "the Emperor's hooks run as the Emperor, told the vassal's owner");
        }
    }
}
