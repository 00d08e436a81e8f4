package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole Emperor is frozen (SIGSTOP) for several times {@code emperor-required-heartbeat} while its
 * heartbeating vassals keep serving; then it is thawed (SIGCONT). Ours keeps every vassal (same master
 * pids, no heartbeat kill, no respawn: docs/reliability-time.md, "Time and pauses") and a touch still
 * reloads. uWSGI 2.0.21 kills and respawns every vassal that has heartbeats on: asserted in that mode.
 */
@Timeout(120)
class FrozenEmperorIT {
    private static final int REQUIRED_HEARTBEAT_S = 3;
    private static final Duration FROZEN = Duration.ofSeconds(10);
    private static final String HEARTBEAT_KILL = "sent no heartbeat in last \\d+ seconds, brutally respawning it";

    @Test
    void aFrozenEmperorKillsNoHealthyVassal() throws Exception {
        int p1 = Ports.free();
        int p2 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("frozen-emperor")
                .option("emperor-required-heartbeat", String.valueOf(REQUIRED_HEARTBEAT_S)).build()) {
            Path f1 = Vassals.python("frozen1", p1).option("heartbeat", "1").writeTo(e);
            Vassals.python("frozen2", p2).option("heartbeat", "1").writeTo(e);
            e.start();
            e.awaitAnswer(p1, "frozen1", TempEmperor.SHORT);
            e.awaitAnswer(p2, "frozen2", TempEmperor.SHORT);
            long pid1 = e.awaitVassal("frozen1.ini", TempEmperor.SHORT, "heartbeats received", v -> v.lastHeartbeat() > 0).pid();
            long pid2 = e.awaitVassal("frozen2.ini", TempEmperor.SHORT, "heartbeats received", v -> v.lastHeartbeat() > 0).pid();
            int mark = e.log().mark();

            assertEquals(0, TempEmperor.kill("STOP", e.pid()));
            try {
                // the vassals serve on while their Emperor is frozen
                e.holds(FROZEN, "the vassals serve while the Emperor is stopped", () ->
                        Http.get(p1).body().contains("hello frozen1") && Http.get(p2).body().contains("hello frozen2"));
            } finally {
                assertEquals(0, TempEmperor.kill("CONT", e.pid()));
            }

            if (e.impl() == Impl.UWSGI) {
                // uWSGI judges the heartbeats before reading the bytes waiting in the pipes: both are killed
                e.awaitLog(mark, "\\[emperor\\] vassal frozen1\\.ini " + HEARTBEAT_KILL, TempEmperor.SHORT);
                e.awaitLog(mark, "\\[emperor\\] vassal frozen2\\.ini " + HEARTBEAT_KILL, TempEmperor.SHORT);
                e.awaitVassal("frozen1.ini", TempEmperor.SHORT, "respawned", v -> v.pid() > 0 && v.pid() != pid1);
                e.awaitVassal("frozen2.ini", TempEmperor.SHORT, "respawned", v -> v.pid() > 0 && v.pid() != pid2);
                System.out.println("[FrozenEmperorIT] uWSGI: both heartbeating vassals were SIGKILLed and respawned");
                return;
            }

            e.awaitLog(mark, "\\[emperor\\] the Emperor was paused for \\d+ s: every vassal gets a fresh heartbeat window",
                    TempEmperor.SHORT);
            // two required-heartbeat windows after the thaw: still the same masters, nothing killed
            e.holds(Duration.ofSeconds(2L * REQUIRED_HEARTBEAT_S), "the same masters serve after the thaw", () -> {
                Stats s = e.stats();
                return s.vassal("frozen1.ini").orElseThrow().pid() == pid1 && s.vassal("frozen2.ini").orElseThrow().pid() == pid2;
            });
            assertEquals(0, e.log().count(mark, Pattern.compile(HEARTBEAT_KILL)), "no heartbeat kill");
            assertEquals(0, e.log().count(mark, Pattern.compile("NO MERCY")), "no mercy-kill");
            assertEquals(0, e.log().count(mark, Pattern.compile("died unexpectedly|respawn")), "no respawn: " + e.diagnostics());
            assertTrue(ProcTree.exists(ProcTree.require(pid1)) && ProcTree.exists(ProcTree.require(pid2)));

            // a touch still reloads (the master stays, its workers are replaced)
            int beforeTouch = e.log().mark();
            Files.setLastModifiedTime(f1, FileTime.from(Instant.now().plusSeconds(5)));
            e.awaitLog(beforeTouch, "\\[emperor\\] reload the uwsgi instance frozen1\\.ini", TempEmperor.SHORT);
            e.awaitAnswer(p1, "frozen1", TempEmperor.SHORT);
            e.awaitVassal("frozen1.ini", TempEmperor.SHORT, "reloaded in place", v -> v.pid() == pid1 && v.respawns() == 1);
            assertNotEquals(0, pid1);
        }
    }
}
