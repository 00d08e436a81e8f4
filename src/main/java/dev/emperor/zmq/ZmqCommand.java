package dev.emperor.zmq;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One multipart message of uWSGI's ZeroMQ imperial monitor (plugins/emperor_zeromq:
 * {@code uwsgi_imperial_monitor_zeromq_cmd}; docs/wire-formats.md, "ZeroMQ monitor"): parts
 * {@code command}, {@code name}, then optionally {@code config}, {@code uid}, {@code gid},
 * {@code socket}. {@code touch} creates or reloads an instance, {@code destroy} stops it.
 *
 * @param verb   "touch", "destroy", or what else was sent (refused with a log line)
 * @param name   the instance name
 * @param config the config text, null when absent or empty (then {@code name} is a file in the Emperor's directory)
 * @param uid    the uid part as uWSGI reads it ({@code uwsgi_str_num}: digits, else 0); 0 when absent
 * @param gid    likewise
 * @param socket the on-demand socket name, null when absent or empty
 */
record ZmqCommand(String verb, String name, byte[] config, int uid, int gid, String socket) {

    /** Why a message is no command (uWSGI's own line), or null. */
    static String malformed(List<byte[]> parts) {
        return parts.size() < 2 ? "[emperor-zeromq] bad message received (command and instance name required)" : null;
    }

    /** @param parts at least two (see {@link #malformed}); parts beyond the sixth are ignored, as uWSGI reads six */
    static ZmqCommand of(List<byte[]> parts) {
        String verb = text(parts.get(0));
        String name = text(parts.get(1));
        byte[] config = parts.size() > 2 && parts.get(2).length > 0 ? parts.get(2) : null;
        int uid = parts.size() > 3 ? number(parts.get(3)) : 0;
        int gid = parts.size() > 4 ? number(parts.get(4)) : 0;
        String socket = parts.size() > 5 && parts.get(5).length > 0 ? text(parts.get(5)) : null;
        return new ZmqCommand(verb, name, config, uid, gid, socket);
    }

    /** uwsgi_str_num: the leading decimal digits, 0 without any. */
    static int number(byte[] part) {
        long n = 0;
        for (byte b : part) {
            if (b < '0' || b > '9') {
                break;
            }
            n = n * 10 + (b - '0');
            if (n > Integer.MAX_VALUE) {
                return 0;
            }
        }
        return (int) n;
    }

    private static String text(byte[] part) {
        return new String(part, StandardCharsets.UTF_8);
    }
}
