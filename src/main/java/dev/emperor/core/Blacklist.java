package dev.emperor.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * uWSGI's per-name blacklist ({@code uwsgi_emperor_blacklist_add/_check/_remove}, lifecycle §6):
 * the first entry throttles by {@code emperor-throttle} <em>microseconds</em> (1 ms by default), each
 * further failure adds {@code emperor-throttle} ms until {@code emperor-max-throttle}, where the
 * level is halved. Entries never expire; byte 17 (loyal) or SIGURG clear them. Loop thread only.
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
    }

    public Blacklist(int throttleMs, int maxThrottleMs, EmperorLog log) {
        this.throttleUs = throttleMs * 1000L;
        this.maxThrottleUs = maxThrottleMs * 1000L;
        this.log = log;
    }

    public void add(String name, long now) {
        Entry e = entries.get(name);
        if (e == null) {
            e = new Entry();
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
            log.verbose("[emperor] maximum throttle level for vassal " + name + " reached !!!");
            e.levelUs /= 2;
        }
        e.attempt++;
        if (e.attempt == 2) {
            log.verbose("[emperor] unloyal bad behaving vassal found: " + name + " throttling it...");
        }
    }

    /** When {@code name} may be spawned again (epoch ms); {@code Long.MIN_VALUE} when not blacklisted. */
    public long blockedUntil(String name) {
        Entry e = entries.get(name);
        return e == null ? Long.MIN_VALUE : e.lastAttempt + e.levelUs / 1000;
    }

    public long throttleMs(String name) {
        Entry e = entries.get(name);
        return e == null ? 0 : e.levelUs / 1000;
    }

    public void remove(String name) {
        entries.remove(name);
    }

    public void clear() {
        entries.clear();
    }

    public int size() {
        return entries.size();
    }

    public List<BlacklistView> views() {
        List<BlacklistView> out = new ArrayList<>(entries.size());
        entries.forEach((name, e) -> out.add(new BlacklistView(name, e.levelUs / 1000, e.attempt,
                e.firstAttempt / 1000, e.lastAttempt / 1000)));
        return out;
    }
}
