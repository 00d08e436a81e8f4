package dev.emperor.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Byte fixtures written from spec/emperor-protocol.md §0, §1b. */
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class UwsgiPacketTest {

    @Test
    void configPushHeaderForA36ByteConfig() {
        assertArrayEquals(new byte[] {115, 36, 0, 0}, UwsgiPacket.header(115, 36, 0));
    }

    @Test
    void sizeIsLittleEndian() {
        assertArrayEquals(new byte[] {35, 0x34, 0x12, 0x07}, UwsgiPacket.header(35, 0x1234, 7));
        UwsgiPacket.Header h = UwsgiPacket.parseHeader(new byte[] {35, 0x34, 0x12, 0x07}, 0);
        assertEquals(new UwsgiPacket.Header(35, 0x1234, 7), h);
    }

    @Test
    void arrayRoundTripAndBytes() {
        byte[] body = UwsgiPacket.encodeArray(List.of("uwsgi", "--ini", "a.ini"));
        assertArrayEquals(new byte[] {5, 0, 'u', 'w', 's', 'g', 'i', 5, 0, '-', '-', 'i', 'n', 'i', 5, 0, 'a', '.', 'i', 'n', 'i'}, body);
        assertEquals(List.of("uwsgi", "--ini", "a.ini"), UwsgiPacket.decodeArray(body, 0, body.length));
    }

    @Test
    void varsRoundTripZeroKeyStopsAndTruncationFails() {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("pid", "4242");
        vars.put("cmd", "spawn");
        byte[] body = UwsgiPacket.encodeVars(vars);
        assertArrayEquals(new byte[] {3, 0, 'p', 'i', 'd', 4, 0, '4', '2', '4', '2', 3, 0, 'c', 'm', 'd', 5, 0, 's', 'p', 'a', 'w', 'n'}, body);
        assertEquals(vars, UwsgiPacket.decodeVars(body, 0, body.length));
        byte[] withZero = {3, 0, 'p', 'i', 'd', 1, 0, '1', 0, 0, 9, 9};
        assertEquals(Map.of("pid", "1"), UwsgiPacket.decodeVars(withZero, 0, withZero.length));
        assertThrows(UwsgiPacket.MalformedPacketException.class, () -> UwsgiPacket.decodeVars(body, 0, body.length - 1));
        assertThrows(IllegalArgumentException.class, () -> UwsgiPacket.header(0, 70000, 0));
    }
}
