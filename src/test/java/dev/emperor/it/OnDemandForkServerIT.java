package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On-demand through the fork server (emperor-protocol §1c): the first connection makes the Emperor
 * open a session whose third SCM_RIGHTS fd is the listening socket (modifier2 0x05); the stand-in
 * base dup2s it to fd 0 of the adopted uWSGI vassal, which answers the request.
 */
@Timeout(60)
class OnDemandForkServerIT {

    @Test
    void firstRequestIsAnsweredByAnAdoptedVassal() throws Exception {
        int port = Ports.free();
        try (ForkServerFixture fs = ForkServerFixture.create("ondemand-fs", 1, "emperor-on-demand-extension", ".socket")) {
            TempEmperor e = fs.e;
            OnDemandIT.writeOnDemand(e, "odfs", "127.0.0.1:" + port);
            e.start();
            fs.awaitBaseReady(Duration.ofSeconds(30));
            e.awaitLog(java.util.regex.Pattern.quote("[uwsgi-emperor] odfs.ini -> \"on demand\" instance detected"), TempEmperor.SHORT);
            e.awaitVassal("odfs.ini", TempEmperor.SHORT, "asleep", v -> v.pid() == -1);
            e.holds(Duration.ofMillis(500), "nothing adopted before the first connection",
                    () -> e.stats().vassal("odfs.ini").orElseThrow().pid() == -1);

            double ms = OnDemandIT.timedHello(port, "odfs")
                    .orElseThrow(() -> new AssertionError("first request failed\n" + e.diagnostics()));
            System.out.printf(Locale.ROOT, "[on-demand] first request through the fork server (adoption): %.1f ms%n", ms);
            Stats.Vassal v = e.awaitVassal("odfs.ini", TempEmperor.SHORT, "adopted", x -> x.pid() > 0 && x.num("adopted") == 1);
            fs.assertAdopted("odfs.ini", v.pid());
            Map<Integer, String> fds = ForkServerFixture.fds(v.pid());
            String inode = OnDemandIT.listeningInode(port).orElseThrow();
            assertEquals("socket:[" + inode + "]", fds.get(0), "the adopted master's fd 0 is the Emperor's socket: " + fds);
            assertTrue(ForkServerFixture.fds(e.pid()).containsValue("socket:[" + inode + "]"), "the Emperor keeps its copy");
        }
    }
}
