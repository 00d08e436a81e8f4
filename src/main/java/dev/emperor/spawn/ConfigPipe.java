package dev.emperor.spawn;

import dev.emperor.internal.Native;
import dev.emperor.protocol.UwsgiPacket;

/**
 * The config pipe of a vassal whose config is text held by its source, not a file (docs/wire-formats.md,
 * "Config pipe"; uWSGI {@code core/emperor.c: emperor_push_config}, vassal side {@code core/io.c:
 * uwsgi_scheme_emperor}). The child reads its config from the fd named by {@code UWSGI_EMPEROR_FD_CONFIG}
 * because its argv says {@code emperor://NAME}; the Emperor writes one uwsgi packet (modifier1 115,
 * modifier2 0, the bytes as body) right after the spawn and again each time the vassal asks with byte 2
 * on its emperor pipe, which its master does just before it re-execs on a reload. Unlike uWSGI 2.0, a
 * reload sent by the Emperor does not push by itself: the reloading vassal asks, and two pushes for
 * one reload would leave a stale copy queued for the next one (docs/uwsgi-compat.md, "Deliberate differences").
 */
public final class ConfigPipe {
    /** The config-source scheme of the argv. */
    public static final String SCHEME = "emperor://";
    /** The environment variable that names the child's end. */
    public static final String ENV = "UWSGI_EMPEROR_FD_CONFIG";
    /** modifier1 of a config push ('s'). */
    public static final int MODIFIER1 = 115;

    private ConfigPipe() {
    }

    /** The packet of one push. */
    public static byte[] packet(byte[] config) {
        return UwsgiPacket.packet(MODIFIER1, 0, config);
    }

    /**
     * Writes one push on the Emperor's (non-blocking) end: null when all of it was written, else why not
     * (for the log line). The socket buffer holds far more than one packet (at most 65539 bytes), so a
     * short write means the vassal has left several pushes unread: it is not retried.
     */
    public static String push(Native nat, int fd, byte[] config) {
        byte[] p = packet(config);
        int n;
        try {
            n = nat.write(fd, p, 0, p.length);
        } catch (RuntimeException e) {
            return "write(): " + e.getMessage();
        }
        if (n == p.length) {
            return null;
        }
        return n < 0 ? "write(): errno " + -n : "short write(): " + n + " of " + p.length + " bytes";
    }
}
