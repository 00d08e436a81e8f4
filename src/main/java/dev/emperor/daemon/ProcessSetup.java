package dev.emperor.daemon;

import dev.emperor.config.Capabilities;
import dev.emperor.config.EmperorConfig;
import dev.emperor.internal.Native;
import dev.emperor.internal.NativeException;
import dev.emperor.internal.SpawnException;
import dev.emperor.internal.SpawnRequest;
import dev.emperor.internal.UserDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * What happens to the Emperor process itself before it governs: {@code daemonize} (a JVM cannot
 * fork, so it starts itself again in a new session through {@code /bin/sh} for the redirection,
 * and the first process exits), {@code logto} (fds 1 and 2 point at the file, so vassals log there
 * too, as in uWSGI), and {@code gid}/{@code uid} (dropped for the whole process).
 */
public final class ProcessSetup {
    static final String DAEMONIZED = "EMPEROR_DAEMONIZED";

    private ProcessSetup() {
    }

    /** @return true when this process handed over to a daemonized copy and must exit 0 */
    public static boolean daemonizeIfAsked(EmperorConfig config, Native nat) throws SetupException {
        if (config.daemonize() == null || System.getenv(DAEMONIZED) != null) {
            return false;
        }
        List<String> self = selfCommandLine();
        Path log = config.startupCwd().resolve(config.daemonize());
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", "f=$1; shift; exec \"$@\" >>\"$f\" 2>&1", "sh", log.toString()));
        argv.addAll(self);
        List<String> env = new ArrayList<>();
        System.getenv().forEach((k, v) -> env.add(k + "=" + v));
        env.add(DAEMONIZED + "=1");
        String exe = self.get(0).startsWith("/") ? self.get(0) : ProcessHandle.current().info().command().orElse(self.get(0));
        argv.set(5, exe);
        try {
            // the copy keeps this process's blocked signals: the launcher's block of QUIT/INT/TERM/HUP
            // is what lets it read them from a signalfd (core/Signals)
            nat.spawn(new SpawnRequest("/bin/sh", argv, env, config.startupCwd().toString(), Map.of(), true,
                    nat.blockedSignals()));
        } catch (SpawnException e) {
            throw new SetupException("daemonize: cannot start the background process: " + e.getMessage());
        }
        return true;
    }

    /** logto, or the log file of a daemonized process. */
    public static void redirectLog(EmperorConfig config, Native nat) throws SetupException {
        String target = config.logto();
        if (target == null) {
            return;
        }
        if (target.contains(":") && !target.startsWith("/")) {
            throw new SetupException("logto " + target + ": logging to a UDP address is not supported yet");
        }
        try {
            nat.redirectOutput(config.startupCwd().resolve(target).toString());
        } catch (NativeException e) {
            throw new SetupException("logto " + target + ": " + e.getMessage());
        }
    }

    /**
     * {@code gid}/{@code uid}, keeping the capabilities named by {@code cap} on this thread, the one
     * that goes on to run the loop and spawn the vassals (docs/capabilities.md). As in uWSGI, {@code cap}
     * means something only to an Emperor started as root.
     */
    public static void dropPrivileges(EmperorConfig config, List<String> caps, Native nat,
                                      java.util.function.Consumer<String> log) throws SetupException {
        if (caps.isEmpty() || nat.getuid() != 0) {
            if (!caps.isEmpty()) {
                log.accept("[emperor] cap = " + String.join(",", caps) + " has no effect: the Emperor does not start as root"
                        + " (it runs as uid " + nat.getuid() + ")");
            }
            if (config.uid() == null && config.gid() == null) {
                return;
            }
        }
        int uid = config.uid() == null ? nat.getuid() : resolve(config.uid(), "uid", UserDatabase.system()::uidOf);
        int gid = config.gid() == null ? nat.getgid() : resolve(config.gid(), "gid", UserDatabase.system()::gidOf);
        try {
            if (caps.isEmpty() || nat.getuid() != 0) {
                nat.dropPrivileges(uid, gid);
            } else {
                nat.dropPrivilegesKeeping(uid, gid, Capabilities.mask(caps));
                log.accept("[emperor] running as uid " + uid + " gid " + gid + " keeping capabilities " + String.join(",", caps));
            }
        } catch (NativeException e) {
            throw new SetupException("cannot drop privileges to uid " + uid + " gid " + gid
                    + (caps.isEmpty() ? "" : " keeping capabilities " + String.join(",", caps)) + ": " + e.getMessage());
        }
    }

    /** A number, or a name looked up through NSS ({@code getpwnam}/{@code getgrnam}, as uWSGI's {@code uid}/{@code gid}). */
    static int resolve(String value, String what, Function<String, OptionalInt> lookup) throws SetupException {
        if (value.matches("\\d+")) {
            return Integer.parseInt(value);
        }
        OptionalInt id;
        try {
            id = lookup.apply(value);
        } catch (UserDatabase.LookupFailed e) {
            throw new SetupException("cannot look up " + what + " '" + value + "': " + e.getMessage());
        }
        return id.orElseThrow(() -> new SetupException("unknown " + what + " '" + value + "' (no such "
                + (what.equals("uid") ? "user" : "group") + ")"));
    }

    private static List<String> selfCommandLine() throws SetupException {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            List<String> out = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    out.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return out;
        } catch (IOException e) {
            throw new SetupException("daemonize: cannot read /proc/self/cmdline: " + e.getMessage());
        }
    }

    /** A process-level option could not be applied: the daemon exits 1 with this message. */
    public static final class SetupException extends Exception {
        public SetupException(String message) {
            super(message);
        }
    }
}
