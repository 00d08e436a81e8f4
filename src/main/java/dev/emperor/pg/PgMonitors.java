package dev.emperor.pg;

import dev.emperor.log.Log;
import dev.emperor.source.Monitor;
import dev.emperor.source.TyrantCheck;
import dev.emperor.source.VassalNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The daemon's side of the pg:// monitor: making one from its {@code emperor} value, starting and ending it. */
public final class PgMonitors {
    private PgMonitors() {
    }

    /**
     * @param channel {@code emperor-pg-channel}, null for polling only
     * @throws IllegalArgumentException with a password-free reason (the daemon refuses to start)
     */
    public static Monitor create(String value, VassalNames names, TyrantCheck tyrant, Path cwd, String channel,
                                 Duration freq, Log log) {
        PgArgument arg;
        JdbcTarget target;
        try {
            arg = PgArgument.parse(value);
            target = JdbcTarget.of(arg.conn(), System::getenv);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[emperor] emperor = pg://...: " + e.getMessage());
        }
        if (channel != null && channel.isBlank()) {
            throw new IllegalArgumentException("[emperor] emperor-pg-channel is empty");
        }
        return new PgMonitor(arg, new JdbcSessions(target), names, tyrant, cwd, channel, freq, log);
    }

    /** Starts the LISTEN threads; {@code rescan} asks the scanner for a scan at once. */
    public static void start(List<Monitor> monitors, Runnable rescan) {
        for (Monitor m : monitors) {
            if (m instanceof PgMonitor pg) {
                pg.start(rescan);
            }
        }
    }

    public static void close(List<Monitor> monitors) {
        for (Monitor m : monitors) {
            if (m instanceof PgMonitor pg) {
                pg.close();
            }
        }
    }
}
