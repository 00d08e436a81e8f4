package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.testing.TestUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tyrant and on-demand together (root-only; CI runs as root): the Emperor binds as root, the vassal
 * it starts on the first connection runs as its file's owner with the socket on fd 0; a sidecar
 * naming a UNIX socket outside the vassal's root-controlled directory (here /run, where a system
 * socket could be replaced or an absent one squatted) refuses the vassal instead of binding there.
 */
@Timeout(90)
class TyrantOnDemandIT {

    @Test
    void onDemandVassalRunsAsItsOwnerAndForeignSocketPathsAreRefused() throws Exception {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "Tyrant socket rule and /vassals states are ours");
        TestUsers.User a = TestUsers.ensure(TestUsers.A);
        int port = Ports.free();
        try (TempEmperor e = TyrantIT.tyrant("tyrant-ondemand", "emperor-on-demand-extension", ".socket")) {
            Path app = Vassals.writeAtomically(e.appsDir().resolve("tod.py"), Vassals.app("tod"));
            Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rw-r--r--"));
            TestUsers.writeOwned(e.vassalsDir().resolve("tod.ini.socket"), "127.0.0.1:" + port + "\n", a);
            TestUsers.writeOwned(e.vassalsDir().resolve("tod.ini"), OnDemandIT.onDemandVassal("tod").render(e.appsDir()), a);
            // a name in /run: root's, 0755, but not the vassal's to choose
            Path victim = Path.of("/run/emperor-it-victim-" + ProcessHandle.current().pid() + ".sock");
            TestUsers.writeOwned(e.vassalsDir().resolve("squat.ini.socket"), victim + "\n", a);
            TestUsers.writeOwned(e.vassalsDir().resolve("squat.ini"), OnDemandIT.onDemandVassal("squat").render(e.appsDir()), a);
            e.start();

            e.awaitLog("\"on demand\" instance detected, waiting for connections on socket \"127\\.0\\.0\\.1:" + port + "\"",
                    TempEmperor.SHORT);
            assertTrue(e.stats().vassal("tod.ini").orElseThrow().pid() == -1, "nothing runs before the first connection");
            double ms = OnDemandIT.timedHello(port, "tod").orElseThrow(() -> new AssertionError("first request failed\n" + e.diagnostics()));
            System.out.printf(java.util.Locale.ROOT, "[tyrant+on-demand] first request %.1f ms%n", ms);
            long master = e.awaitVassal("tod.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();
            TyrantIT.assertRunsAs(master, a, "on-demand vassal master");
            e.await(TempEmperor.SHORT, "the on-demand vassal has its 1 worker (processes = 1)",
                    () -> TyrantIT.workers(master).size() == 1);
            for (long w : TyrantIT.workers(master)) {
                TyrantIT.assertRunsAs(w, a, "on-demand vassal worker");
            }

            e.awaitLog("^\\[emperor-tyrant\\] invalid permissions for vassal squat\\.ini: on-demand socket \".*\" refused, "
                    + "it is outside the vassal's directory", Duration.ofSeconds(5));
            String listing = StatsHttp.get(e.statsPort(), "/vassals/squat.ini").body();
            assertTrue(listing.contains("\"state\":\"refused\""), listing);
            assertFalse(Files.exists(victim), "nothing was bound in /run");
        }
    }
}
