package dev.emperor.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * uWSGI's per-name blacklist ({@code uwsgi_emperor_blacklist_add/_check/_remove}, docs/uwsgi-compat.md, "Blacklist and throttling"):
 * the first entry throttles by {@code emperor-throttle} <em>microseconds</em> (1 ms by default), each
 * further failure adds {@code emperor-throttle} ms until {@code emperor-max-throttle}, where the
 * level is halved. Entries never expire; byte 17 (loyal) or SIGURG clear them. Loop thread only.
 * Attempt times are monotonic ms ({@link LoopClock}): a wall-clock step never opens or extends a window.
 */
public final class Blacklist {
    private final long throttleUs;
    private final long maxThrottleUs;
    private final EmperorLog log;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    static final class Entry {
        long levelUs;
        long attempt;
        long firstAttempt;
        long lastAttempt;
        /** A Tyrant refusal stands (not a penalty: SIGURG and loyalty do not lift it, only the file can). */
        boolean refused;
        /** {@link #add} was called at least once: a throttle history that outlives a refusal. */
        boolean penalised;
    }

    public Blacklist(int throttleMs, int maxThrottleMs, EmperorLog log) {
        this.throttleUs = throttleMs * 1000L;
        this.maxThrottleUs = maxThrottleMs * 1000L;
        this.log = log;
    }

    public void add(String name, long now) {
        Entry e = entries.get(name);
        if (e == null || !e.penalised) {
            if (e == null) {
                e = new Entry();
            }
            e.penalised = true;
            e.attempt = 0;
            e.levelUs = throttleUs / 1000; // uWSGI's first penalty: the throttle value taken as µs
            e.firstAttempt = now;
            e.lastAttempt = now;
            entries.put(name, e);
            return;
        }
        e.lastAttempt = now;
        if (e.levelUs < maxThrottleUs) {
            e.levelUs += throttleUs;
        } else {
            log.about(name, -1, "throttled").verbose("[emperor] maximum throttle level for vassal " + name + " reached !!!");
            e.levelUs /= 2;
        }
        e.attempt++;
        if (e.attempt == 2) {
            log.about(name, -1, "throttled").verbose("[emperor] unloyal bad behaving vassal found: " + name + " throttling it...");
        }
    }

    /** When {@code name} may be spawned again (monotonic ms); {@code Long.MIN_VALUE} when not blacklisted. */
    public long blockedUntil(String name) {
        Entry e = entries.get(name);
        return e == null || !e.penalised ? Long.MIN_VALUE : e.lastAttempt + e.levelUs / 1000;
    }

    public long throttleMs(String name) {
        Entry e = entries.get(name);
        return e == null ? 0 : e.levelUs / 1000;
    }

    public void remove(String name) {
        Entry e = entries.get(name);
        if (e != null && e.refused) {
            e.penalised = false; // the refusal stays listed; only its throttle history goes
            e.levelUs = 0;
            e.attempt = 0;
            return;
        }
        entries.remove(name);
    }

    /**
     * A Tyrant refusal (not in uWSGI, which only logs it at every scan): listed in the stats'
     * {@code blacklist} so that operators see it, with throttle level 0, until {@link #unrefuse}.
     */
    public void refuse(String name, long now) {
        Entry e = entries.get(name);
        if (e == null) {
            e = new Entry();
            e.firstAttempt = now;
            e.lastAttempt = now;
            entries.put(name, e);
        }
        // an existing entry keeps its lastAttempt: a refusal must not push back a throttle window
        e.refused = true;
    }

    /** The refusal is over (file gone or acceptable now): drop the entry unless it also carries a throttle. */
    public void unrefuse(String name) {
        Entry e = entries.get(name);
        if (e != null && e.refused) {
            e.refused = false;
            if (!e.penalised) {
                entries.remove(name);
            }
        }
    }

    /** SIGURG: every penalty goes, standing Tyrant refusals stay (they are facts about files, not penalties). */
    public void clear() {
        entries.values().removeIf(e -> !e.refused);
        entries.values().forEach(e -> {
            e.penalised = false;
            e.levelUs = 0;
            e.attempt = 0;
        });
    }

    public int size() {
        return entries.size();
    }

    /** The entries for the next process (in-place upgrade); instants converted by {@code toNanos}. */
    List<LoopImage.BlacklistImage> images(java.util.function.LongUnaryOperator toNanos) {
        List<LoopImage.BlacklistImage> out = new ArrayList<>(entries.size());
        entries.forEach((name, e) -> out.add(new LoopImage.BlacklistImage(name, e.levelUs, e.attempt,
                toNanos.applyAsLong(e.firstAttempt), toNanos.applyAsLong(e.lastAttempt), e.refused, e.penalised)));
        return out;
    }

    /** An entry handed over by the previous process, its instants converted back by {@code toMs}. */
    void restore(LoopImage.BlacklistImage i, java.util.function.LongUnaryOperator toMs) {
        Entry e = new Entry();
        e.levelUs = i.levelUs();
        e.attempt = i.attempt();
        e.firstAttempt = toMs.applyAsLong(i.firstAttempt());
        e.lastAttempt = toMs.applyAsLong(i.lastAttempt());
        e.refused = i.refused();
        e.penalised = i.penalised();
        entries.put(i.name(), e);
    }

    /** Views for a blacklist fed from one clock (tests). */
    public List<BlacklistView> views() {
        return views(LoopClock.WallView.IDENTITY);
    }

    /** The entries, their (monotonic) attempt times shown as epoch seconds. */
    public List<BlacklistView> views(LoopClock.WallView wall) {
        List<BlacklistView> out = new ArrayList<>(entries.size());
        entries.forEach((name, e) -> out.add(new BlacklistView(name, e.levelUs / 1000, e.attempt,
                wall.seconds(e.firstAttempt), wall.seconds(e.lastAttempt))));
        return out;
    }
}
