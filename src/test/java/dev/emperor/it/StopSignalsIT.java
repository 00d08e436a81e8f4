package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signals as uWSGI's Emperor takes them, also when the Emperor was started with them ignored (a
 * background job of a non-interactive shell ignores INT and QUIT; nohup ignores HUP): QUIT, INT and
 * TERM stop every vassal and the Emperor exits 0 (the systemd unit in uWSGI's documentation uses
 * KillSignal=SIGQUIT), HUP reloads every vassal. Our daemon runs through its launcher, which is
 * what makes QUIT and inherited-ignored signals reach it (core/Signals). Runs against real
 * {@code uwsgi --emperor} with {@code -Demperor.impl=uwsgi}: the same assertions hold.
 */
@Timeout(90)
class StopSignalsIT {
    /** sh's trap '' sets the signals to ignored, and ignored dispositions survive exec. */
    private static final String[] IGNORING_SHELL = {"/bin/sh", "-c", "trap '' INT QUIT TERM HUP; exec \"$0\" \"$@\""};

    @ParameterizedTest
    @ValueSource(strings = {"QUIT", "INT", "TERM"})
    void stopsEverythingEvenWhenInheritedAsIgnored(String sig) throws Exception {
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("stop-" + sig.toLowerCase()).viaLauncher().wrappedIn(IGNORING_SHELL)
                .build()) {
            Vassals.python("app", port).option("processes", "2").writeTo(e);
            e.start();
            e.awaitAnswer(port, "app", TempEmperor.SHORT);
            Stats.Vassal v = e.awaitVassal("app.ini", TempEmperor.SHORT, "accepting", Stats.Vassal::accepting);
            e.await(TempEmperor.SHORT, "2 workers forked", () -> ProcTree.children(v.pid()).size() >= 2);
            List<ProcTree.Proc> procs = new ArrayList<>(ProcTree.children(v.pid()));
            procs.add(ProcTree.require(v.pid()));

            e.signal(sig);

            assertEquals(0, e.awaitExit(Duration.ofSeconds(30)), "exit status after SIG" + sig + "\n" + e.diagnostics());
            assertTrue(e.logHas("\\[emperor\\] \\*\\*\\* RAGNAROK EVOKED \\*\\*\\*"), "Ragnarok logged\n" + e.diagnostics());
            e.await(Duration.ofSeconds(10), "master and workers gone: " + procs,
                    () -> procs.stream().noneMatch(ProcTree::running));
        }
    }

    @Test
    void hupReloadsEveryVassalEvenWhenInheritedAsIgnored() throws Exception {
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("hup-ignored").viaLauncher().wrappedIn(IGNORING_SHELL).build()) {
            Vassals.python("app", port).writeTo(e);
            e.start();
            e.awaitAnswer(port, "app", TempEmperor.SHORT);
            long master = e.awaitVassal("app.ini", TempEmperor.SHORT, "accepting", Stats.Vassal::accepting).pid();
            int mark = e.log().mark();

            e.signal("HUP");

            e.awaitLog(mark, "\\[emperor\\] reload the uwsgi instance app\\.ini", TempEmperor.SHORT);
            e.awaitLog(mark, "binary reloading uWSGI", TempEmperor.SHORT);
            e.awaitAnswer(port, "app", TempEmperor.SHORT); // answers again after the reload
            assertTrue(e.isRunning(), "the Emperor keeps running after SIGHUP");
            assertEquals(master, e.stats().vassal("app.ini").orElseThrow().pid(), "reloaded in place, same master pid");
        }
    }
}
