package dev.emperor.internal;

import static dev.emperor.internal.NativeTestSupport.NATIVE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A byte written to a vassal whose end of the pipe is gone gets EPIPE back, and the process lives on
 * (the JVM ignores SIGPIPE): the loop curses that vassal and goes on (docs/reliability-time.md,
 * "Other faults").
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WriteToGonePeerTest {
    static final int EPIPE = 32;

    @Test
    void writingToAClosedPeerIsEpipeNotADeadProcess() {
        int[] sp = NATIVE.socketpair();
        NATIVE.close(sp[1]);
        for (int i = 0; i < 3; i++) {
            assertEquals(-EPIPE, NATIVE.write(sp[0], new byte[] {1}, 0, 1));
        }
        NATIVE.close(sp[0]);
    }
}
