package dev.emperor.core;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Signal handlers only hand the event to the loop (uWSGI acts inside the handler, which is
 * unsafe; docs/uwsgi-compat.md, "Signals"). TERM and INT start Ragnarok, HUP reloads all, USR1 logs the stats,
 * URG clears the blacklist, WINCH rescans, CHLD wakes the loop to reap. QUIT is reserved by HotSpot
 * (thread dumps), so it cannot be handled; USR2 is HotSpot's internal signal and is left alone.
 */
public final class Signals {
    private Signals() {
    }

    public static void install(EmperorLoop loop, Runnable rescan, EmperorLog log) {
        handle("TERM", loop, loop::ragnarok, log);
        handle("INT", loop, loop::ragnarok, log);
        handle("HUP", loop, loop::reloadAll, log);
        handle("USR1", loop, loop::logStats, log);
        handle("URG", loop, loop::clearBlacklist, log);
        handle("WINCH", loop, rescan, log);
        handle("CHLD", loop, () -> { }, log);
        handle("PIPE", loop, () -> { }, log);
    }

    private static void handle(String name, EmperorLoop loop, Runnable action, EmperorLog log) {
        try {
            SignalHandler previous = Signal.handle(new Signal(name), s -> loop.execute(action));
            if (previous == SignalHandler.SIG_IGN && name.equals("HUP")) {
                // under nohup the operator asked for HUP to be ignored; say that it now reloads all vassals
                log.warn("[emperor] SIGHUP was ignored by the parent process (nohup?); it now reloads every vassal");
            }
        } catch (IllegalArgumentException e) {
            log.warn("[emperor] cannot handle SIG" + name + ": " + e.getMessage());
        }
    }
}
