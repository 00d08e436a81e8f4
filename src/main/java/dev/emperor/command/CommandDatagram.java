package dev.emperor.command;

import java.nio.charset.StandardCharsets;

/**
 * One command-socket datagram, read exactly as uWSGI master's {@code core/emperor.c:
 * emperor_manage_command} does (docs/wire-formats.md, "Command socket"): the first 4 bytes (a uwsgi header) are skipped without looking at them, the rest is uwsgi vars parsed like
 * {@code core/protocol.c: uwsgi_hooked_parse} with the hook {@code emperor_manage_command_parser}.
 * <p>
 * That is why {@link dev.emperor.protocol.UwsgiPacket#decodeVars} is not used here: uWSGI's hook
 * sees every complete pair <em>as it is parsed</em>, so the pairs before a truncated or zero-length
 * key still count, and a repeated key overwrites the earlier one ({@code cmd} and {@code command}
 * fill the same field, the later wins); decodeVars throws on a truncated pair and keeps the first
 * duplicate. Keys are compared whole and case-sensitively ({@code uwsgi_strncmp}); other keys are
 * ignored. An absent field is "" (uWSGI's length 0).
 *
 * @param cmd       the {@code cmd} / {@code command} value, "" when absent or empty
 * @param vassal    the {@code vassal} value as sent (may contain NUL bytes, see {@link #vassalName()})
 * @param msg       the {@code msg} value as sent
 * @param malformed null, or why the vars parser stopped early (the fields above keep what came before)
 */
public record CommandDatagram(String cmd, String vassal, String msg, String malformed) {

    /** uWSGI's {@code recv(fd, buf, 4096, 0)}: a longer datagram is truncated to this. */
    public static final int MAX_DATAGRAM = 4096;
    /** The uwsgi header skipped unvalidated in front of the vars. */
    public static final int HEADER = 4;

    /**
     * Parses {@code len} bytes of {@code buf}; {@code len} must be at least {@link #HEADER} (uWSGI
     * computes {@code len - 4} as a {@code size_t}: shorter datagrams are its out-of-bounds BUG, the
     * caller drops them).
     */
    public static CommandDatagram parse(byte[] buf, int len) {
        if (len < HEADER || len > buf.length) {
            throw new IllegalArgumentException("datagram of " + len + " bytes: the caller drops those under 4");
        }
        String cmd = "";
        String vassal = "";
        String msg = "";
        int p = HEADER;
        int end = len;
        String malformed = null;
        while (p < end) {
            if (p + 2 >= end) { // uwsgi_hooked_parse: "ptrbuf + 2 >= bufferend" (also a lone 2-byte zero key)
                malformed = "truncated key length at offset " + p;
                break;
            }
            int klen = u16(buf, p);
            if (klen == 0) {
                malformed = "zero-length key at offset " + p;
                break;
            }
            p += 2;
            if (p + klen > end) {
                malformed = "key of " + klen + " bytes overruns the datagram";
                break;
            }
            int key = p;
            p += klen;
            if (p + 2 > end) {
                malformed = "truncated value length at offset " + p;
                break;
            }
            int vlen = u16(buf, p);
            p += 2;
            if (p + vlen > end) {
                malformed = "value of " + vlen + " bytes overruns the datagram";
                break;
            }
            String value = new String(buf, p, vlen, StandardCharsets.UTF_8);
            p += vlen;
            switch (new String(buf, key, klen, StandardCharsets.UTF_8)) {
                case "cmd", "command" -> cmd = value;
                case "vassal" -> vassal = value;
                case "msg" -> msg = value;
                default -> { } // ignored, as by emperor_manage_command_parser
            }
        }
        return new CommandDatagram(cmd, vassal, msg, malformed);
    }

    /** The vassal name as uWSGI looks it up: a C string ({@code uwsgi_concat2n}), so up to the first NUL. */
    public String vassalName() {
        return cString(vassal);
    }

    /** The {@code log} text as uWSGI prints it ({@code "%.*s\n"} stops at a NUL too). */
    public String logText() {
        return cString(msg);
    }

    private static String cString(String s) {
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }

    private static int u16(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
    }
}
