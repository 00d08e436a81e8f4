package dev.emperor.command;

import dev.emperor.protocol.UwsgiPacket;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Command datagrams as a client builds them: uwsgi header [0, size, size >> 8, 0] + uwsgi vars (spec §0, §1e). */
final class Datagrams {
    private Datagrams() {
    }

    /** {@code of("cmd", "spawn", "vassal", "a.ini")}: key/value pairs in order. */
    static byte[] of(String... kv) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) vars.put(kv[i], kv[i + 1]);
        return UwsgiPacket.packet(0, 0, UwsgiPacket.encodeVars(vars));
    }

    /** One raw vars pair (allows repeated keys and arbitrary bytes). */
    static byte[] pair(String key, String value) {
        return UwsgiPacket.encodeVars(Map.of(key, value));
    }

    /** Concatenation of byte arrays. */
    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
