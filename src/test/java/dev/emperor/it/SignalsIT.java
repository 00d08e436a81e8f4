package dev.emperor.it;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGUSR1 logs one line per vassal; SIGWINCH makes the Emperor rescan at once. The scan period is 30 s and the
 * stats are not polled after the start (each stats request makes uWSGI scan), so under uWSGI only the signal
 * can explain the new vassal; under our daemon inotify would see it anyway (the test then only shows that
 * SIGWINCH does no harm).
 */
@Timeout(60)
class SignalsIT {

    @Test
    void usr1LogsStatsAndWinchRescans() throws Exception {
        int p1 = Ports.free();
        int p2 = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("signals").option("emperor-freq", "30").build()) {
            Vassals.python("app1", p1).writeTo(e);
            e.start();
            e.awaitAnswer(p1, "app1", TempEmperor.SHORT);
            e.awaitVassal("app1.ini", TempEmperor.SHORT, "accepting", Stats.Vassal::accepting);

            int mark = e.log().mark();
            e.signal("USR1");
            e.awaitLog(mark, "vassal instance app1\\.ini \\(last modified \\d+\\) status 0 loyal [01] zerg 0",
                    TempEmperor.SHORT);

            mark = e.log().mark();
            Vassals.python("app2", p2).writeTo(e);
            e.signal("WINCH");
            e.awaitLog(mark, "\\[emperor\\] vassal app2\\.ini has been spawned", Duration.ofSeconds(10));
            e.awaitAnswer(p2, "app2", TempEmperor.SHORT);
        }
    }
}
