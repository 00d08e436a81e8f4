package dev.emperor.internal;

import static dev.emperor.internal.NativeTestSupport.NATIVE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FdPassingTest {

    @Test
    void bytesAndThreeFdsArriveTogetherAndWork() {
        int[] chan = NATIVE.socketpair();
        int[][] payload = {NATIVE.socketpair(), NATIVE.socketpair(), NATIVE.socketpair()};
        byte[] msg = "uwsgi-emperor".getBytes(StandardCharsets.US_ASCII);
        assertEquals(msg.length, NATIVE.sendWithFds(chan[0], msg, payload[0][1], payload[1][1], payload[2][1]));

        byte[] buf = new byte[64];
        ReceivedFds got = NATIVE.receiveWithFds(chan[1], buf, 8);
        assertEquals(msg.length, got.length());
        assertArrayEquals(msg, Arrays.copyOf(buf, got.length()));
        assertEquals(3, got.fds().length);
        assertFalse(got.truncated());
        for (int i = 0; i < 3; i++) {
            int fd = got.fds()[i];
            assertTrue(NATIVE.isCloseOnExec(fd), "received fd " + fd + " is CLOEXEC");
            // The received fd is a new number for the same socket: writing to it reaches the peer.
            assertEquals(1, NATIVE.write(fd, new byte[] {(byte) ('a' + i)}, 0, 1));
            byte[] one = new byte[1];
            assertEquals(1, NATIVE.read(payload[i][0], one, 1));
            assertEquals('a' + i, one[0]);
            NATIVE.close(fd);
        }
        for (int[] p : payload) {
            NATIVE.close(p[0]);
            NATIVE.close(p[1]);
        }
        NATIVE.close(chan[0]);
        assertEquals(0, NATIVE.receiveWithFds(chan[1], buf, 8).length(), "EOF");
        NATIVE.close(chan[1]);
    }

    @Test
    void moreFdsThanRoomAreReportedAsTruncated() {
        int[] chan = NATIVE.socketpair();
        int[] p = NATIVE.socketpair();
        assertEquals(1, NATIVE.sendWithFds(chan[0], new byte[] {7}, p[0], p[1], chan[0]));
        // Room for 1 fd is CMSG_SPACE(4) = 24 bytes, which holds 2 ints: the kernel keeps 2 of 3.
        ReceivedFds got = NATIVE.receiveWithFds(chan[1], new byte[4], 1);
        assertEquals(1, got.length());
        assertEquals(2, got.fds().length);
        assertTrue(got.truncated());
        for (int fd : got.fds()) NATIVE.close(fd);
        for (int fd : new int[] {chan[0], chan[1], p[0], p[1]}) NATIVE.close(fd);
    }

    @Test
    void plainMessageWithoutFdsAndErrorsAsNegativeErrno() {
        int[] chan = NATIVE.socketpair();
        assertEquals(2, NATIVE.sendWithFds(chan[0], new byte[] {1, 2}));
        ReceivedFds got = NATIVE.receiveWithFds(chan[1], new byte[4], 3);
        assertEquals(2, got.length());
        assertEquals(0, got.fds().length);
        NATIVE.close(chan[0]);
        NATIVE.close(chan[1]);
        assertEquals(-LibC.EBADF, NATIVE.sendWithFds(chan[0], new byte[] {1}));
        assertEquals(-LibC.EBADF, NATIVE.receiveWithFds(chan[1], new byte[1], 1).length());
        assertThrows(IllegalArgumentException.class, () -> NATIVE.sendWithFds(chan[0], new byte[0], 1));
        assertThrows(IllegalArgumentException.class, () -> NATIVE.sendWithFds(chan[0], new byte[1], 1, 2, 3, 4));
    }
}
