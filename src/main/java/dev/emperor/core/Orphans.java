package dev.emperor.core;

import dev.emperor.internal.Native;
import dev.emperor.internal.Reaped;
import java.util.List;

/**
 * The last step before exit: as a child subreaper the Emperor inherits every process its vassals
 * left behind (workers of a SIGKILLed master, daemons a vassal forked). Whatever is still its
 * child when the vassals are gone is killed and reaped, so nothing outlives the daemon.
 */
final class Orphans {
    private static final long REAP_MS = 3000;

    private Orphans() {
    }

    static void killAndReap(Native nat, Native.Poller poller, EmperorLog log) {
        List<Integer> children = ProcFs.childrenOf(nat.getpid());
        for (int pid : children) {
            log.warn("[emperor] killing leftover child process " + pid);
            nat.kill(pid, Native.SIGKILL);
        }
        long deadline = System.nanoTime() + REAP_MS * 1_000_000L; // monotonic: a clock step cannot cut it short
        while (System.nanoTime() - deadline < 0) {
            Reaped r = nat.reapAny();
            if (r.pid() < 0) {
                return; // no children left
            }
            if (r.pid() == 0) {
                poller.await(20); // children exist but none exited yet: wait a little without spinning
            }
        }
    }
}
