package dev.emperor.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The uwsgi packet: a 4-byte header (modifier1, u16le body size, modifier2) and the two body
 * encodings uWSGI uses around the Emperor — "vars" ({@code u16le klen, key, u16le vlen, value}...)
 * and "array" ({@code u16le len, bytes}...). docs/wire-formats.md, "uwsgi packets"; uWSGI
 * {@code core/protocol.c: uwsgi_hooked_parse}, {@code uwsgi_hooked_parse_array}. No I/O here.
 */
public final class UwsgiPacket {
    public static final int HEADER_SIZE = 4;
    public static final int MAX_BODY = 0xFFFF;

    private UwsgiPacket() {
    }

    public record Header(int modifier1, int size, int modifier2) {
    }

    public static byte[] header(int modifier1, int size, int modifier2) {
        if (size < 0 || size > MAX_BODY) {
            throw new IllegalArgumentException("uwsgi packet body of " + size + " bytes does not fit 16 bits");
        }
        return new byte[] {(byte) modifier1, (byte) size, (byte) (size >>> 8), (byte) modifier2};
    }

    public static Header parseHeader(byte[] b, int off) {
        if (b.length - off < HEADER_SIZE) {
            throw new MalformedPacketException("short uwsgi header: " + (b.length - off) + " bytes");
        }
        return new Header(b[off] & 0xff, (b[off + 1] & 0xff) | (b[off + 2] & 0xff) << 8, b[off + 3] & 0xff);
    }

    /** Header plus body in one array. */
    public static byte[] packet(int modifier1, int modifier2, byte[] body) {
        byte[] out = new byte[HEADER_SIZE + body.length];
        System.arraycopy(header(modifier1, body.length, modifier2), 0, out, 0, HEADER_SIZE);
        System.arraycopy(body, 0, out, HEADER_SIZE, body.length);
        return out;
    }

    public static byte[] encodeArray(List<String> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String item : items) {
            writeChunk(out, item.getBytes(StandardCharsets.UTF_8));
        }
        return checked(out.toByteArray());
    }

    public static List<String> decodeArray(byte[] body, int off, int len) {
        List<String> items = new ArrayList<>();
        int end = off + len;
        int p = off;
        while (p < end) {
            int n = u16(body, p, end);
            p += 2;
            if (p + n > end) {
                throw new MalformedPacketException("array item of " + n + " bytes overruns the body");
            }
            items.add(new String(body, p, n, StandardCharsets.UTF_8));
            p += n;
        }
        return items;
    }

    public static byte[] encodeVars(Map<String, String> vars) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, String> e : vars.entrySet()) {
            writeChunk(out, e.getKey().getBytes(StandardCharsets.UTF_8));
            writeChunk(out, e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        return checked(out.toByteArray());
    }

    /** Like uWSGI, a zero-length key ends parsing; a truncated pair is an error. First key wins. */
    public static Map<String, String> decodeVars(byte[] body, int off, int len) {
        Map<String, String> vars = new LinkedHashMap<>();
        int end = off + len;
        int p = off;
        while (p < end) {
            int klen = u16(body, p, end);
            p += 2;
            if (klen == 0) {
                break;
            }
            if (p + klen > end) {
                throw new MalformedPacketException("key of " + klen + " bytes overruns the body");
            }
            String key = new String(body, p, klen, StandardCharsets.UTF_8);
            p += klen;
            int vlen = u16(body, p, end);
            p += 2;
            if (p + vlen > end) {
                throw new MalformedPacketException("value of " + vlen + " bytes overruns the body");
            }
            vars.putIfAbsent(key, new String(body, p, vlen, StandardCharsets.UTF_8));
            p += vlen;
        }
        return vars;
    }

    private static int u16(byte[] b, int p, int end) {
        if (p + 2 > end) {
            throw new MalformedPacketException("truncated 16-bit length at offset " + p);
        }
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
    }

    private static void writeChunk(ByteArrayOutputStream out, byte[] bytes) {
        if (bytes.length > MAX_BODY) {
            throw new IllegalArgumentException("item of " + bytes.length + " bytes does not fit 16 bits");
        }
        out.write(bytes.length & 0xff);
        out.write(bytes.length >>> 8);
        out.write(bytes, 0, bytes.length);
    }

    private static byte[] checked(byte[] body) {
        if (body.length > MAX_BODY) {
            throw new IllegalArgumentException("uwsgi packet body of " + body.length + " bytes does not fit 16 bits");
        }
        return body;
    }

    /** A packet that does not follow the uwsgi framing. */
    public static final class MalformedPacketException extends RuntimeException {
        public MalformedPacketException(String message) {
            super(message);
        }
    }
}
