package dev.emperor.core;

import dev.emperor.internal.Native;
import dev.emperor.internal.Reaped;
import dev.emperor.spawn.ForkServerSession;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loop's bookkeeping for fork-server adoptions (docs/lifecycle.md, "Fork-server adoption"): sessions in flight
 * by socket fd, children reaped before anyone claimed their pid, and adopted pids whose
 * re-parenting to the Emperor is still being checked. What they mean for a vassal is the table's
 * (the adoption rows of {@link Lifecycle}). Loop thread only.
 */
final class Adoptions {
    private static final int MAX_UNCLAIMED = 1024;

    private final Native nat;
    private final FdHandlers fds;
    private final Map<Integer, Vassal> byPid;
    private final long parentCheckMs;
    private final Map<Vassal, ForkServerSession> sessions = new HashMap<>();
    private final Map<Integer, Reaped> unclaimed = new LinkedHashMap<>();

    Adoptions(Native nat, FdHandlers fds, Map<Integer, Vassal> byPid, long parentCheckMs) {
        this.nat = nat;
        this.fds = fds;
        this.byPid = byPid;
        this.parentCheckMs = parentCheckMs;
    }

    void begin(Vassal v, ForkServerSession s) {
        sessions.put(v, s);
        fds.add(s.fd(), FdHandlers.Kind.FORK_SERVER_SESSION, v);
    }

    /** The session socket of v is readable: part of the reply, or all of it. */
    void readable(Vassal v, long now, Lifecycle lifecycle) {
        ForkServerSession s = sessions.get(v);
        if (s == null) {
            return;
        }
        ForkServerSession.Progress p = s.onReadable();
        if (!p.done()) {
            return;
        }
        end(v);
        if (p.error() != null) {
            lifecycle.adoptionFailed(v, p.error(), now);
            return;
        }
        int pid = p.pid();
        Reaped dead = unclaimed.remove(pid);
        if (dead == null) {
            byPid.put(pid, v);
        }
        lifecycle.adopted(v, pid, dead, now);
        if (dead == null && v.pid == pid && nat.parentOf(pid) != nat.getpid()) {
            v.parentCheckUntil = now + parentCheckMs;
        }
    }

    /** A reaped pid nobody claims yet: maybe an adopted vassal whose pid reply is still on its way. */
    void unclaimedExit(Reaped r) {
        unclaimed.put(r.pid(), r);
        while (unclaimed.size() > MAX_UNCLAIMED) {
            unclaimed.remove(unclaimed.keySet().iterator().next());
        }
    }

    void end(Vassal v) {
        ForkServerSession s = sessions.remove(v);
        if (s != null) {
            fds.remove(s.fd());
            s.close();
        }
    }

    /** Session deadlines and re-parenting checks for one vassal. */
    void tick(Vassal v, long now, Lifecycle lifecycle) {
        ForkServerSession s = sessions.get(v);
        if (s != null && now >= s.deadline()) {
            end(v);
            lifecycle.adoptionFailed(v, "no reply within socket-timeout", now);
        }
        if (v.parentCheckUntil == 0) {
            return;
        }
        if (v.pid <= 0 || nat.parentOf(v.pid) == nat.getpid()) {
            v.parentCheckUntil = 0;
        } else if (now >= v.parentCheckUntil) {
            v.parentCheckUntil = 0;
            Reaped dead = unclaimed.remove(v.pid);
            if (dead != null) {
                lifecycle.reaped(v, dead, now);
                return;
            }
            byPid.remove(v.pid, v);
            lifecycle.notOurChild(v, now);
        }
    }

    /** The nearest deadline this bookkeeping needs the loop to wake up for. */
    long nextDeadline(long now, Iterable<Vassal> vassals) {
        long d = Long.MAX_VALUE;
        for (ForkServerSession s : sessions.values()) {
            d = Math.min(d, s.deadline());
        }
        for (Vassal v : vassals) {
            if (v.parentCheckUntil > 0) {
                return Math.min(d, now + 10); // re-parenting takes microseconds: look again soon
            }
        }
        return d;
    }
}
