package dev.emperor.daemon;

import dev.emperor.config.EmperorConfig;
import dev.emperor.internal.Native;
import dev.emperor.internal.NativeException;
import dev.emperor.internal.SpawnException;
import dev.emperor.internal.SpawnRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    public static void dropPrivileges(EmperorConfig config, Native nat) throws SetupException {
        if (config.uid() == null && config.gid() == null) {
            return;
        }
        int uid = config.uid() == null ? nat.getuid() : resolve(config.uid(), Path.of("/etc/passwd"), "uid");
        int gid = config.gid() == null ? nat.getgid() : resolve(config.gid(), Path.of("/etc/group"), "gid");
        try {
            nat.dropPrivileges(uid, gid);
        } catch (NativeException e) {
            throw new SetupException("cannot drop privileges to uid " + uid + " gid " + gid + ": " + e.getMessage());
        }
    }

    /** A number, or a name looked up in passwd/group (field 3 is the id in both). */
    static int resolve(String value, Path db, String what) throws SetupException {
        if (value.matches("\\d+")) {
            return Integer.parseInt(value);
        }
        try {
            for (String line : Files.readAllLines(db, StandardCharsets.UTF_8)) {
                String[] f = line.split(":");
                if (f.length > 2 && f[0].equals(value)) {
                    return Integer.parseInt(f[2]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new SetupException("cannot read " + db + ": " + e.getMessage());
        }
        throw new SetupException("unknown " + what + " '" + value + "' (not in " + db + ")");
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
