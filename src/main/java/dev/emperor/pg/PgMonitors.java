package dev.emperor.pg;

import dev.emperor.log.Log;
import dev.emperor.source.Monitor;
import dev.emperor.source.TyrantCheck;
import dev.emperor.source.VassalNames;
import java.nio.file.Path;
import java.time.Duration;

/** The factory of the pg:// monitor kind (bound in daemon/Monitors): a monitor from its {@code emperor} value. */
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
}
