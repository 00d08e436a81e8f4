package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A vassal whose config makes uWSGI exit at once ({@code need-app} with a missing wsgi-file, exit code 22) is
 * blacklisted with growing throttle figures in the stats (defaults: 1 ms, then +1000 ms per failure, i.e.
 * {@code throttle_level == 1 + 1000 * attempt}), while the other vassal keeps serving throughout. SIGURG then
 * empties the blacklist, so the penalty starts over.
 */
@Timeout(90)
class BlacklistIT {

    record Seen(long throttle, long attempt, long firstAttempt, long lastAttempt) {
    }

    @Test
    void crashingVassalIsThrottledWhileOthersServe() throws Exception {
        int good = Ports.free();
        int bad = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("blacklist").build()) {
            Vassals.python("good", good).writeTo(e);
            e.start();
            e.awaitAnswer(good, "good", TempEmperor.SHORT);
            long goodPid = e.awaitVassal("good.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();

            Vassals.exitsAtOnce("bad", bad).writeTo(e);

            // watch the blacklist entry until it reaches attempt 2; the good vassal must answer at every step
            List<Seen> history = new ArrayList<>();
            List<String> outages = new ArrayList<>();
            Poll.until(Duration.ofSeconds(25), "bad.ini blacklisted up to attempt >= 2", () -> {
                if (!Http.answers(good, "good")) outages.add("good.ini did not answer at " + java.time.Instant.now());
                Stats s = e.stats();
                long pid = s.vassal("good.ini").map(Stats.Vassal::pid).orElse(-1L);
                if (pid != goodPid) outages.add("good.ini pid " + goodPid + " -> " + pid);
                Optional<Stats.Blacklisted> b = s.blacklisted("bad.ini");
                if (b.isEmpty()) return false;
                Seen now = new Seen(b.get().throttleLevel(), b.get().attempt(), b.get().firstAttempt(),
                        b.get().lastAttempt());
                if (history.isEmpty() || !history.get(history.size() - 1).equals(now)) history.add(now);
                return now.attempt() >= 2;
            }, () -> "history: " + history + "\n" + e.diagnostics());

            assertTrue(outages.isEmpty(), "the good vassal served throughout: " + outages);
            for (Seen s : history) {
                assertEquals(1 + 1000 * s.attempt(), s.throttle(), "throttle_level (ms) for attempt " + s.attempt()
                        + " with default emperor-throttle; history " + history);
                assertTrue(s.firstAttempt() <= s.lastAttempt(), "first_attempt <= last_attempt: " + s);
            }
            for (int i = 1; i < history.size(); i++) {
                assertTrue(history.get(i).attempt() > history.get(i - 1).attempt()
                        || history.get(i).lastAttempt() >= history.get(i - 1).lastAttempt(),
                        "attempts only grow: " + history);
            }
            assertTrue(history.get(0).attempt() <= 1, "first seen entry is the 1st or 2nd failure: " + history);
            assertTrue(history.stream().anyMatch(s -> s.throttle() >= 1001), "a penalty >= 1001 ms seen: " + history);
            assertTrue(history.stream().map(Seen::attempt).distinct().count() >= 2, "several steps seen: " + history);
            e.awaitLog("\\[emperor\\] unloyal bad behaving vassal found: bad\\.ini throttling it", TempEmperor.SHORT);
            assertTrue(e.logHas("\\[emperor\\] curse the uwsgi instance bad\\.ini")
                    || e.logHas("\\[emperor\\] removed uwsgi instance bad\\.ini"), "each failure is logged");
            assertTrue(Http.answers(good, "good"));

            // SIGURG empties the blacklist: the next entries start over below the attempt reached
            long reached = history.get(history.size() - 1).attempt();
            int mark = e.log().mark();
            e.signal("URG");
            e.awaitLog(mark, "\\[emperor\\] cleaning up blacklist", TempEmperor.SHORT);
            Stats after = e.awaitStats(TempEmperor.SHORT, "bad.ini's penalty started over after SIGURG",
                    s -> s.blacklisted("bad.ini").map(b -> b.attempt() < reached).orElse(false));
            Stats.Blacklisted b = after.blacklisted("bad.ini").orElseThrow();
            assertEquals(1 + 1000 * b.attempt(), b.throttleLevel(), "throttle restarted: " + after.raw());
            assertEquals(goodPid, after.vassal("good.ini").orElseThrow().pid());
            assertTrue(Http.answers(good, "good"));
        }
    }
}
