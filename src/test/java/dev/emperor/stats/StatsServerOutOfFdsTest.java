package dev.emperor.stats;

import static dev.emperor.stats.StatsTestSupport.connect;
import static dev.emperor.stats.StatsTestSupport.readToEof;
import static dev.emperor.stats.StatsTestSupport.snapshot;
import static dev.emperor.stats.StatsTestSupport.tcpServer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.core.EmperorSnapshot;
import dev.emperor.internal.Errno;
import dev.emperor.testing.FdFiller;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stats stay readable while the Emperor is out of fds (docs/reliability.md): accept fails with
 * EMFILE, the server gives up its reserve fd for that client, answers, and takes the fd back later.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StatsServerOutOfFdsTest {

    @Test
    void aClientIsAnsweredThroughTheReserveFdAndTheShortageIsCounted() throws Exception {
        EmperorSnapshot snap = snapshot(2);
        byte[] doc = StatsJson.toBytes(snap, false);
        List<Errno.Resource> counted = new CopyOnWriteArrayList<>();
        // out of fds, no class file could be opened from target/classes (a jar stays open): load them now
        for (String c : List.of("dev.emperor.internal.Errno", "dev.emperor.internal.Errno$Resource",
                "dev.emperor.internal.Errno$ErrnoException", "dev.emperor.internal.ReserveFd")) {
            Class.forName(c);
        }
        Errno.of(new java.io.IOException("Too many open files"));
        try (StatsServer server = tcpServer(snap, false)) {
            server.onResourceError(counted::add);
            assertArrayEquals(doc, readToEof(connect(server).getInputStream()), "warm-up");
            byte[] got;
            // one fd left: the client's socket takes it, so the server's accept fails with EMFILE
            try (FdFiller f = FdFiller.leaving(1); Socket s = connect(server)) {
                got = readToEof(s.getInputStream());
            }
            assertArrayEquals(doc, got, "answered while out of fds");
            assertEquals(List.of(Errno.Resource.EMFILE), counted.subList(0, 1));
            assertArrayEquals(doc, readToEof(connect(server).getInputStream()), "and afterwards");
            try (FdFiller f = FdFiller.leaving(1); Socket s = connect(server)) {
                assertArrayEquals(doc, readToEof(s.getInputStream()), "the reserve was taken back and serves again");
            }
            assertTrue(counted.size() >= 2, counted.toString());
        }
    }
}
