package dev.emperor.spawn;

import dev.emperor.internal.Native;
import dev.emperor.internal.Reaped;
import dev.emperor.internal.SpawnException;
import dev.emperor.internal.SpawnRequest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Short helper processes started off the loop thread ({@code emperor-on-demand-exec}, run by the
 * scanner thread) while the event loop reaps every child with waitpid(-1).
 *
 * <p>Design (the simplest one that loses nothing): one lock, held across posix_spawn plus the
 * registration of the pid, and around each of the loop's waitpid(-1) calls ({@link #reapAny}).
 * So the loop can never reap a helper before it is registered; a helper reaped by the loop is
 * parked here for its waiter; the waiter may also reap it itself with waitpid(pid) (so it works
 * without a running loop); and {@link #kill} runs under the same lock only while the pid is
 * still unreaped, so it can never hit a recycled pid. The lock is held for microseconds (one
 * spawn, one waitpid), never while waiting.
 */
public final class HelperChildren {
    private final Native nat;
    private final Set<Integer> running = new HashSet<>();
    private final Map<Integer, Reaped> exited = new HashMap<>();

    public HelperChildren(Native nat) {
        this.nat = nat;
    }

    /** posix_spawn and registration under the lock. */
    public synchronized int spawn(SpawnRequest request) throws SpawnException {
        int pid = nat.spawn(request);
        running.add(pid);
        return pid;
    }

    /** The loop's waitpid(-1, WNOHANG): the next exit that is not a helper's (helpers' exits are kept here). */
    public Reaped reapAny() {
        while (true) {
            synchronized (this) {
                Reaped r = nat.reapAny();
                if (r.pid() > 0 && running.remove(r.pid())) {
                    exited.put(r.pid(), r);
                    notifyAll();
                    continue;
                }
                return r;
            }
        }
    }

    /**
     * Waits for a helper's exit until {@code deadline} (clock millis): its status, or null on
     * timeout. Never blocks the loop: the loop only ever takes the lock for one waitpid.
     */
    public synchronized Reaped awaitExit(int pid, long deadline, LongSupplier clock) throws InterruptedException {
        while (true) {
            Reaped r = exited.remove(pid);
            if (r != null) {
                return r;
            }
            if (!running.contains(pid)) {
                return Reaped.NO_CHILDREN; // not ours (a programming error), never wait for it
            }
            Reaped own = nat.reap(pid);
            if (own.pid() > 0 || own == Reaped.NO_CHILDREN) {
                running.remove(pid);
                return own;
            }
            long left = deadline - clock.getAsLong();
            if (left <= 0) {
                return null;
            }
            wait(Math.min(left, 10)); // woken at once when the loop reaps it; else poll our own waitpid
        }
    }

    /** SIGKILL to the helper and its process group (it runs in its own session), only while unreaped. */
    public synchronized void kill(int pid) {
        if (pid > 1 && running.contains(pid)) {
            nat.killGroup(pid, Native.SIGKILL);
            nat.kill(pid, Native.SIGKILL);
        }
    }

    /**
     * SIGKILL for a helper that overran its time, then its reap (within milliseconds), so the pid never
     * stays here; an interrupt meanwhile (the daemon's exit) does not skip the reap and is kept.
     */
    public void killAndReap(int pid, LongSupplier clock) {
        kill(pid);
        boolean interrupted = Thread.interrupted();
        try {
            awaitExit(pid, clock.getAsLong() + 2000, clock);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Helpers started and not yet waited for (tests). */
    public synchronized int pending() {
        return running.size() + exited.size();
    }
}
