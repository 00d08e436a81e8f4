package dev.emperor.core;

import dev.emperor.internal.Native;
import java.util.LinkedHashMap;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Signal handlers only hand the event to the loop (uWSGI acts inside the handler, which is
 * unsafe: docs/uwsgi-compat.md, "Signals"). QUIT, INT and TERM start Ragnarok (uWSGI's Emperor
 * treats QUIT like INT), HUP reloads all, USR1 logs the stats, URG clears the blacklist, WINCH
 * rescans, CHLD wakes the loop to reap.
 *
 * <p>QUIT, INT, TERM and HUP are read from a signalfd when the launcher started the JVM with them
 * blocked (and {@code -Xrs}): HotSpot keeps QUIT for thread dumps and never lets Java handle it,
 * and a signal inherited as ignored (INT and QUIT in a background job of a non-interactive shell,
 * HUP under nohup) cannot be handled through HotSpot either. Started without the launcher
 * ({@code java -jar}), they go through HotSpot as far as it allows and QUIT is left to HotSpot.
 * USR2 is HotSpot's internal signal and is left alone (docs/platform-notes.md, "Signals taken from a signalfd").
 *
 * <p>SIGRTMIN+2 asks for an in-place upgrade (docs/upgrade.md, "Triggers"): the Debian package's
 * postinst sends it, since HotSpot owns USR2 (nginx's upgrade signal) and HUP keeps uWSGI's meaning.
 * It exists only as a signalfd signal: its default action kills, so it is taken only when the launcher
 * blocked it, which is what the postinst checks (SigBlk) before sending it.
 */
public final class Signals {
    static final int SIGHUP = 1;
    static final int SIGINT = 2;
    static final int SIGQUIT = 3;
    static final int SIGTERM = 15;
    /** SIGRTMIN+2 with glibc (SIGRTMIN is 34: NPTL keeps 32 and 33); packaging/bin/emperor blocks the same. */
    public static final int SIGUPGRADE = 36;
    private static final Map<Integer, String> BY_FD = Map.of(SIGHUP, "HUP", SIGINT, "INT", SIGQUIT, "QUIT", SIGTERM, "TERM");

    private Signals() {
    }

    /** Stops the signalfd reader; see {@link #install}. */
    public interface Reader extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * @return what {@link Reader#close closes} the signalfd reader before the JVM exits: a thread left
     *         blocked in a native call holds HotSpot's exit for 300 ms (docs/logging.md, "Exit")
     */
    public static Reader install(EmperorLoop loop, Runnable rescan, Runnable upgrade, EmperorLog log, Native nat) {
        Map<String, Runnable> actions = new LinkedHashMap<>();
        actions.put("TERM", loop::ragnarok);
        actions.put("INT", loop::ragnarok);
        actions.put("QUIT", loop::ragnarok);
        actions.put("HUP", loop::reloadAll);
        actions.put("USR1", loop::logStats);
        actions.put("URG", loop::clearBlacklist);
        actions.put("WINCH", rescan);
        actions.put("CHLD", () -> { });
        actions.put("PIPE", () -> { });

        long mask = 0;
        for (int sig : BY_FD.keySet()) {
            mask |= 1L << (sig - 1);
        }
        Reader reader = () -> { };
        long blocked = nat.blockedSignals();
        if ((blocked & mask) == mask) {
            long upgradeBit = 1L << (SIGUPGRADE - 1);
            boolean upgrades = (blocked & upgradeBit) != 0;
            int fd = nat.signalFd(upgrades ? mask | upgradeBit : mask);
            if (fd >= 0) {
                Map<Integer, Runnable> byNumber = new LinkedHashMap<>();
                BY_FD.forEach((sig, name) -> byNumber.put(sig, actions.remove(name)));
                if (upgrades) {
                    byNumber.put(SIGUPGRADE, () -> {
                        log.plain("*** SIGRTMIN+2: in-place upgrade requested ***");
                        upgrade.run();
                    });
                }
                reader = startReader(nat, fd, byNumber, loop, log);
            } else {
                log.error("[emperor] signalfd: " + nat.strerror(-fd) + "; SIGQUIT, SIGINT, SIGTERM and SIGHUP stay blocked");
            }
        }
        actions.remove("QUIT"); // HotSpot's: a thread dump
        actions.forEach((name, action) -> handle(name, loop, action, log));
        return reader;
    }

    private static Reader startReader(Native nat, int fd, Map<Integer, Runnable> byNumber, EmperorLoop loop, EmperorLog log) {
        // waits in epoll rather than in read(2): close() wakes it, so it is out of native code before the exit
        Native.Poller poller = nat.newPoller();
        poller.add(fd);
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            while (!closed.get()) {
                if (!poller.await(-1).contains(fd) || closed.get()) {
                    continue;
                }
                int sig = nat.readSignal(fd);
                if (sig == -4 || sig == -Native.EAGAIN) { // EINTR, or taken already
                    continue;
                }
                if (sig < 0) {
                    log.error("[emperor] reading signals failed: " + nat.strerror(-sig));
                    return;
                }
                Runnable action = byNumber.get(sig);
                if (action != null) {
                    loop.execute(action);
                }
            }
        }, "emperor-signals");
        reader.setDaemon(true);
        reader.start();
        return () -> {
            closed.set(true);
            poller.wakeup();
            try {
                reader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private static void handle(String name, EmperorLoop loop, Runnable action, EmperorLog log) {
        try {
            SignalHandler previous = Signal.handle(new Signal(name), s -> loop.execute(action));
            if (previous == SignalHandler.SIG_IGN) {
                // HotSpot keeps a shutdown signal that was ignored at JVM start ignored (nohup, a background job)
                log.warn("[emperor] SIG" + name + " was ignored by the parent process and stays ignored;"
                        + " start the daemon through its launcher (packaging/bin/emperor) to have it handled");
            }
        } catch (IllegalArgumentException e) {
            log.warn("[emperor] cannot handle SIG" + name + ": " + e.getMessage());
        }
    }
}
