package dev.emperor.core;

import dev.emperor.internal.Errno;
import dev.emperor.internal.Errno.Resource;
import dev.emperor.internal.Native;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The Emperor's own shortages of fds, memory or processes (docs/reliability.md, "Resource exhaustion is
 * survivable and visible"). A spawn or a look that failed for want of one is no fault of the vassal: it is not
 * blacklisted, it waits. After a failure, spawns are not even tried until the next retry time (a
 * short backoff, 250 ms doubling to 2 s), so that a thousand waiting vassals cost one failed call per
 * retry, not a thousand; the first success releases them all. Each condition is logged once when it
 * starts, with the limit and the count in use, and once when it is over: when calls work again and
 * no vassal waits any more (a condition that comes and goes while vassals still wait is the same
 * condition, not a new line each time). Loop thread only, except {@link #count} and {@link #counts},
 * which any thread may call.
 */
final class ResourceTrouble {
    static final long FIRST_BACKOFF_MS = 250;
    static final long MAX_BACKOFF_MS = 2000;
    private static final Set<Resource> FDS = EnumSet.of(Resource.EMFILE, Resource.ENFILE);

    private final Native nat;
    private final EmperorLog log;
    private final AtomicLongArray counts = new AtomicLongArray(Resource.values().length);
    /** Failed since the last success: spawns wait for the retry time. */
    private final Set<Resource> blocked = EnumSet.noneOf(Resource.class);
    private final Set<Resource> announced = EnumSet.noneOf(Resource.class);
    /** Failed since the last report: announced even if it cleared within the same iteration. */
    private final Set<Resource> fresh = EnumSet.noneOf(Resource.class);
    private final Map<Resource, String> firstWhat = new EnumMap<>(Resource.class);
    /** Vassals whose spawn was deferred for want of a resource. */
    private final Set<String> waiting = new HashSet<>();
    /** New names the last scan could not look at for want of a resource (no record yet). */
    private Set<String> unlooked = Set.of();
    private long backoff = FIRST_BACKOFF_MS;
    private long retryAt;
    private long rescanAt = Long.MAX_VALUE;

    ResourceTrouble(Native nat, EmperorLog log) {
        this.nat = nat;
        this.log = log;
    }

    /** Thread-safe: one failed call for want of {@code r} (the stats thread counts its own here too). */
    void count(Resource r) {
        counts.incrementAndGet(r.ordinal());
    }

    /** The counts handed over by the previous process (in-place upgrade): counters never go back. */
    void carryOver(Map<String, Long> byLabel) {
        for (Resource r : Resource.values()) {
            counts.addAndGet(r.ordinal(), byLabel.getOrDefault(r.label(), 0L));
        }
    }

    /** Thread-safe: failed calls by resource label, every label present. */
    Map<String, Long> counts() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Resource r : Resource.values()) {
            m.put(r.label(), counts.get(r.ordinal()));
        }
        return m;
    }

    /** A call made for {@code name} (null: for no vassal in particular) failed for want of {@code r}. */
    void failed(Resource r, String name, String what, long now) {
        count(r);
        blocked.add(r);
        fresh.add(r);
        firstWhat.putIfAbsent(r, what);
        if (name != null) {
            waiting.add(name);
        }
        if (now >= retryAt) {
            retryAt = now + backoff;
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }

    /** A scan could not look at something for want of {@code r}: look again at the retry time, not only at emperor-freq. */
    void scanFailed(Resource r, String what, long now) {
        failed(r, null, what, now);
        rescanAt = Math.min(rescanAt, retryAt);
    }

    /** The new names of this round of scans that could not be looked at (counted as waiting). */
    void notLookedAt(Set<String> names) {
        unlooked = Set.copyOf(names);
    }

    /** {@code name}'s spawn waits for the retry time without being tried. */
    void waits(String name) {
        waiting.add(name);
    }

    /** True while spawns wait for the retry time: nothing is tried before it. */
    boolean defers(long now) {
        return !blocked.isEmpty() && now < retryAt;
    }

    /** True while some call failed for want of a resource and nothing has worked since. */
    boolean troubled() {
        return !blocked.isEmpty();
    }

    long retryAt() {
        return retryAt;
    }

    /** A spawn worked: fds, memory and a process were there. */
    void started(String name) {
        waiting.remove(name);
        if (!blocked.isEmpty()) {
            blocked.clear();
            backoff = FIRST_BACKOFF_MS;
        }
    }

    /** A round of scans opened every directory and file it needed: fds are there again. */
    void scanClean() {
        blocked.removeAll(FDS);
        unlooked = Set.of();
        if (blocked.isEmpty()) {
            backoff = FIRST_BACKOFF_MS;
        }
    }

    void forget(String name) {
        waiting.remove(name);
    }

    /** When the loop must wake up for a rescan, or MAX_VALUE. */
    long rescanDeadline() {
        return rescanAt;
    }

    /** True (once) when the rescan time has come. */
    boolean rescanDue(long now) {
        if (now >= rescanAt) {
            rescanAt = Long.MAX_VALUE;
            return true;
        }
        return false;
    }

    /** After each loop iteration: one line per condition that started, one per condition that cleared. */
    void report(java.util.function.Predicate<String> stillWaits) {
        waiting.removeIf(name -> !stillWaits.test(name)); // suspended, refused, removed meanwhile
        for (Resource r : Resource.values()) {
            if (fresh.contains(r) && announced.add(r)) {
                log.error("[emperor] " + describe(r) + ": " + (waiting.size() + unlooked.size())
                        + " vassals wait; running vassals are kept (first failure: " + firstWhat.get(r) + ")");
            }
        }
        fresh.clear();
        boolean over = waiting.isEmpty() && unlooked.isEmpty();
        for (Resource r : Resource.values()) {
            if (over && !blocked.contains(r) && announced.remove(r)) {
                firstWhat.remove(r);
                log.plain("[emperor] " + name(r) + ": cleared (" + usage(r) + "); no vassal waits any more");
            }
        }
    }

    private String describe(Resource r) {
        return name(r) + " (" + usage(r) + ")";
    }

    private static String name(Resource r) {
        return switch (r) {
            case EMFILE -> "out of file descriptors";
            case ENFILE -> "the system is out of file descriptors (ENFILE)";
            case EAGAIN -> "cannot create more processes (EAGAIN)";
            case ENOMEM -> "out of memory (ENOMEM)";
            case ENOBUFS -> "out of kernel buffer space (ENOBUFS)";
        };
    }

    private String usage(Resource r) {
        Native.Limits l;
        try {
            l = nat.limits();
        } catch (RuntimeException e) {
            l = new Native.Limits(-1, -1, -1);
        }
        return switch (r) {
            case EMFILE, ENFILE -> (l.openFds() >= 0 ? Long.toString(l.openFds()) : l.maxFds() >= 0 ? "all " + l.maxFds() : "?")
                    + " in use, limit " + (l.maxFds() >= 0 ? Long.toString(l.maxFds()) : "?");
            case EAGAIN -> "process limit RLIMIT_NPROC " + (l.maxProcesses() >= 0 ? Long.toString(l.maxProcesses()) : "?")
                    + ", a pids cgroup or the kernel's pid_max/threads-max";
            case ENOMEM, ENOBUFS -> "errno " + (r == Resource.ENOMEM ? Errno.ENOMEM : Errno.ENOBUFS);
        };
    }
}
