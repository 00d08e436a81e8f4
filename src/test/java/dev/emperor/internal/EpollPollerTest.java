package dev.emperor.internal;

import static dev.emperor.internal.NativeTestSupport.NATIVE;
import static dev.emperor.internal.NativeTestSupport.fdinfoFlags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EpollPollerTest {
    private EpollPoller poller;
    private final List<Integer> opened = new ArrayList<>();

    @BeforeEach
    void open() {
        poller = (EpollPoller) NATIVE.newPoller();
    }

    @AfterEach
    void closeAll() {
        poller.close();
        for (int fd : opened) NATIVE.close(fd);
    }

    private int[] pair() {
        int[] sp = NATIVE.socketpair();
        opened.add(sp[0]);
        opened.add(sp[1]);
        return sp;
    }

    @Test
    void wakeupFromAnotherThreadEndsAwaitAndIsDrained() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Thread waker = new Thread(() -> {
            try {
                started.await();
            } catch (InterruptedException e) {
                return;
            }
            poller.wakeup();
        });
        waker.start();
        started.countDown();
        long t0 = System.nanoTime();
        assertEquals(List.of(), poller.await(20_000));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "await was not woken");
        waker.join();
        // Drained: the counter reads EAGAIN, and an await with a timeout now times out empty.
        assertEquals(-Native.EAGAIN, NATIVE.read(poller.eventFd(), new byte[8], 8));
        assertEquals(List.of(), poller.await(0));
    }

    @Test
    void readableSocketIsReportedUntilDrained() {
        int[] sp = pair();
        poller.add(sp[0]);
        assertEquals(List.of(), poller.await(0));
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        assertEquals(5, NATIVE.write(sp[1], hello, 0, 5));
        assertEquals(List.of(sp[0]), poller.await(5_000));
        assertEquals(List.of(sp[0]), poller.await(0), "level-triggered");
        byte[] buf = new byte[16];
        assertEquals(5, NATIVE.read(sp[0], buf, buf.length));
        assertEquals(List.of(), poller.await(0));
    }

    @Test
    void peerCloseIsReportedAsHangup() {
        int[] sp = NATIVE.socketpair();
        opened.add(sp[0]);
        poller.add(sp[0]);
        NATIVE.close(sp[1]);
        assertEquals(List.of(sp[0]), poller.await(5_000));
        assertEquals(0, NATIVE.read(sp[0], new byte[4], 4), "EOF");
    }

    @Test
    void removedFdIsNoLongerReported() {
        int[] sp = pair();
        poller.add(sp[0]);
        poller.remove(sp[0]);
        NATIVE.write(sp[1], new byte[] {1}, 0, 1);
        assertEquals(List.of(), poller.await(0));
        poller.remove(sp[0]); // ENOENT is tolerated
    }

    @Test
    void eventDataLayoutHoldsWithManyFds() {
        // A wrong epoll_event packing would report garbage fd numbers; use many, including high ones.
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int[] sp = pair();
            pairs.add(sp);
            poller.add(sp[0]);
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i += 7) {
            NATIVE.write(pairs.get(i)[1], new byte[] {1}, 0, 1);
            expected.add(pairs.get(i)[0]);
        }
        List<Integer> got = new ArrayList<>(poller.await(5_000));
        got.sort(null);
        expected.sort(null);
        assertEquals(expected, got);
    }

    @Test
    void pollerFdsAreCloseOnExecAndCloseIsIdempotent() throws Exception {
        assertTrue(NATIVE.isCloseOnExec(poller.epollFd()));
        assertTrue(NATIVE.isCloseOnExec(poller.eventFd()));
        assertTrue((fdinfoFlags(poller.eventFd()) & LibC.O_NONBLOCK) != 0, "eventfd non-blocking");
        poller.close();
        poller.close();
        poller.wakeup(); // after close: a no-op, never a write to a recycled fd number
    }
}
