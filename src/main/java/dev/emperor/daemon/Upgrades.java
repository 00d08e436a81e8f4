package dev.emperor.daemon;

import dev.emperor.command.CommandSocket;
import dev.emperor.core.EmperorLog;
import dev.emperor.core.EmperorLoop;
import dev.emperor.internal.Native;
import dev.emperor.stats.StatsServer;
import dev.emperor.upgrade.InPlaceUpgrade;
import dev.emperor.upgrade.Incoming;
import dev.emperor.upgrade.StateRestore;
import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The daemon's wiring of the in-place upgrade (docs/upgrade.md): in a process started by one, the
 * handed-over listener and records put in place before the loop runs; in every process, the
 * {@code upgrade} command, run as a loop task. The protocol itself is in the upgrade package.
 */
final class Upgrades {
    static final String STATS = "stats";
    static final String COMMAND = "command";

    private final Native nat;
    private final EmperorLog log;
    private final Incoming incoming;
    private int resumed;

    private final long count;

    private Upgrades(Native nat, EmperorLog log, Incoming incoming, long count) {
        this.count = count;
        this.nat = nat;
        this.log = log;
        this.incoming = incoming;
    }

    /** Reads the upgrade this process was started by, if any; the memfd is closed. */
    static Upgrades arriving(Map<String, String> env, Native nat, EmperorLog log) {
        Incoming in = Incoming.read(env, nat);
        if (in != null && in.problem() != null) {
            log.error("*** in-place upgrade: the state document cannot be used (" + in.problem() + "); adopting the "
                    + in.vassals().size() + " vassals of " + InPlaceUpgrade.FDS_ENV + " by pid and pipe: they stay up and"
                    + " governed (stop, reload, reap), their throttle and counters start afresh ***");
        }
        return new Upgrades(nat, log, in, Incoming.count(env));
    }

    boolean resuming() {
        return incoming != null;
    }

    /**
     * The stats server serves on the listener handed over, whose backlog held the clients of the gap:
     * it goes to fd 0, the one fd the JDK turns into a channel ({@link System#inheritedChannel()};
     * vassals get /dev/null on fd 0 from the spawner, never the Emperor's).
     */
    void adoptStats(StatsServer server) {
        int fd = incoming == null ? -1 : incoming.listener(STATS);
        if (fd < 0) {
            return;
        }
        try {
            if (fd != 0) {
                nat.dup2(fd, 0);
                nat.close(fd);
            }
            Channel ch = System.inheritedChannel();
            if (ch instanceof ServerSocketChannel listening) {
                server.adopt(listening);
                return;
            }
            log.warn("[emperor] in-place upgrade: the handed-over stats socket is not a listening socket (" + ch
                    + "); binding a new one");
            if (ch != null) {
                ch.close();
            }
        } catch (IOException | RuntimeException e) {
            log.warn("[emperor] in-place upgrade: cannot serve on the handed-over stats socket (" + e + "); binding a new one");
            nat.close(0);
        }
    }

    /**
     * The command socket handed over (close-on-exec again), -1 for none: the datagrams sent during
     * the exec wait in its queue for the new process (docs/upgrade.md, "What crosses the exec").
     */
    int adoptCommand() {
        int fd = incoming == null ? -1 : incoming.listener(COMMAND);
        if (fd < 0) {
            return -1;
        }
        try {
            nat.setCloseOnExec(fd, true);
            return fd;
        } catch (RuntimeException e) {
            log.warn("[emperor] in-place upgrade: the handed-over command socket fd " + fd + " is unusable (" + e.getMessage()
                    + "); binding a new one");
            return -1;
        }
    }

    /** Before the loop runs, on its thread: the records (or the manifest's vassals), and the gap line after the first event. */
    void resume(EmperorLoop loop) {
        if (incoming == null) {
            return;
        }
        if (incoming.doc() != null) {
            resumed = loop.resume(StateRestore.loopImage(incoming.doc()));
        } else {
            for (int fd : incoming.strays()) {
                nat.close(fd); // a config pipe or on-demand socket nobody here can tell the vassal of: freed for a new bind
            }
            for (StateRestore.ManifestEntry e : incoming.vassals()) {
                loop.resumeBlind(e.name(), e.pid(), e.fd());
                resumed++;
            }
            // the count is the one thing kept from the previous process besides the vassals
            loop.resume(new dev.emperor.core.LoopImage(java.util.List.of(), java.util.List.of(), Map.of("upgrades", count)));
        }
        String from = incoming.doc() != null ? incoming.doc().fromVersion() : "an unknown version";
        long writtenAt = incoming.doc() != null ? incoming.doc().writtenAt() : 0;
        loop.execute(() -> log.plain("*** in-place upgrade from " + from + " done: gap "
                + (writtenAt != 0 ? Long.toString((System.nanoTime() - writtenAt) / 1_000_000L) : "unknown")
                + " ms, " + resumed + " vassals resumed ***"));
    }

    /**
     * The {@code upgrade} command: accepted (null) or refused (why) on the loop; the exec follows in
     * the next loop task, so that the answer leaves first. An exec that fails is logged and the
     * Emperor carries on.
     */
    static CompletableFuture<String> command(EmperorLoop loop, InPlaceUpgrade upgrade, StatsServer stats, CommandSocket commandSocket,
                                             EmperorLog log, java.util.function.Supplier<String> probe) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        loop.execute(() -> {
            String refusal = refusal(loop, upgrade);
            if (refusal == null && !upgrade.begin()) {
                refusal = "an in-place upgrade is under way already";
            }
            if (refusal != null) {
                log.error("*** in-place upgrade refused: " + refusal + " ***");
                answer.complete(refusal);
                return;
            }
            answer.complete(null);
            // the new program must start before this one is given up; its JVM takes seconds: off the loop
            Thread prober = new Thread(() -> {
                String failed = probe.get();
                loop.execute(() -> {
                    String now = failed != null ? failed : refusal(loop, upgrade);
                    if (now != null) {
                        upgrade.end();
                        log.error("*** in-place upgrade FAILED: " + now + "; this Emperor carries on, every vassal untouched ***");
                        return;
                    }
                    boolean held = stats == null || stats.holdAccepting(java.time.Duration.ofMillis(500));
                    if (!held) {
                        log.warn("[emperor] in-place upgrade: the stats thread did not stop accepting within 500 ms;"
                                + " a client it accepts meanwhile may wait for its timeout");
                    }
                    if (commandSocket != null) {
                        commandSocket.hold();
                    }
                    upgrade.run(loop.capture(), listeners(stats, commandSocket == null ? -1 : commandSocket.fd()));
                    upgrade.end(); // only reached when the exec failed
                    if (stats != null) {
                        stats.resumeAccepting(); // this process serves on
                    }
                    if (commandSocket != null) {
                        commandSocket.release();
                    }
                });
            }, "emperor-upgrade-probe");
            prober.setDaemon(true);
            prober.start();
        });
        return answer;
    }

    private static String refusal(EmperorLoop loop, InPlaceUpgrade upgrade) {
        return loop.inRagnarok() ? "the Emperor is shutting down" : upgrade.refusal(loop.capture());
    }

    private static Map<String, Integer> listeners(StatsServer stats, int commandFd) {
        Map<String, Integer> m = new HashMap<>();
        if (stats != null) {
            stats.fd().ifPresent(fd -> m.put(STATS, fd));
        }
        if (commandFd >= 0) {
            m.put(COMMAND, commandFd);
        }
        return m;
    }
}
