package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Master's {@code hook-as-on-demand-vassal} and {@code hook-as-on-config-vassal} (docs/hooks.md,
 * "On-demand hooks") with real on-demand uWSGI python3 vassals (as {@link OnDemandIT}): the on-demand
 * list runs, with {@code UWSGI_HOOK_CONTEXT} and in the vassal's directory, at the first sleep and at
 * every "back to on demand"; the on-config list when a sleeping vassal's config changes; a failing list
 * removes the vassal (its socket closed) until a later sleep's list succeeds. uWSGI 2.0.21 does not know
 * these options (master's, compared with master's code in docs/hooks.md): this daemon only.
 */
@Timeout(120)
class OnDemandHooksIT {
    static final Duration LONG = Duration.ofSeconds(30);

    @BeforeEach
    void onlyOurs() {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "uWSGI 2.0.21 has no hook-as-on-demand-vassal / hook-as-on-config-vassal");
    }

    static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    static void touch(Path config, int secondsAhead) throws IOException {
        Files.setLastModifiedTime(config, FileTime.from(Instant.now().plusSeconds(secondsAhead)));
    }

    @Test
    void theHooksRunAtEverySleepAndAtAConfigChangeWhileAsleep() throws Exception {
        Path root = Files.createTempDirectory("emperor-it-odhooks-");
        Path out = Files.createDirectories(root.resolve("out"));
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("odhooks").root(root, false)
                .option("emperor-on-demand-extension", ".socket")
                .add("hook-as-on-demand-vassal", "exec:echo \"demand $UWSGI_HOOK_CONTEXT $PWD\" >> " + out.resolve("demand.log"))
                .add("hook-as-on-demand-vassal", "appendn:" + out.resolve("demand.log") + " second line")
                .add("hook-as-on-config-vassal", "exec:echo \"config $UWSGI_HOOK_CONTEXT\" >> " + out.resolve("config.log"))
                .build()) {
            Path config = OnDemandIT.writeOnDemand(e, "od", "127.0.0.1:" + port);
            e.start();
            Path dir = e.vassalsDir().toRealPath();
            e.await(TempEmperor.SHORT, "the on-demand hook ran", () -> lines(out.resolve("demand.log")).size() == 2);
            assertEquals(List.of("demand od.ini " + dir, "second line"), lines(out.resolve("demand.log")));
            e.awaitLog(Pattern.quote("running \"appendn:" + out.resolve("demand.log") + " second line\" (as-on-demand-vassal)..."),
                    TempEmperor.SHORT);
            e.await(TempEmperor.SHORT, "listening once the hook succeeded", () -> OnDemandIT.listening(port));
            e.awaitAnswer(port, "od", TempEmperor.SHORT);

            // die-on-idle: back to sleep, the hook runs again
            e.awaitLog(Pattern.quote("[uwsgi-emperor] od.ini -> back to \"on demand\" mode"), LONG);
            e.await(TempEmperor.SHORT, "the hook ran again", () -> lines(out.resolve("demand.log")).size() == 4);
            assertEquals(List.of(), lines(out.resolve("config.log")), "no config change yet");

            touch(config, 5);
            e.awaitLog(Pattern.quote("[emperor] updated configuration for \"on demand\" instance od.ini"), TempEmperor.SHORT);
            e.await(TempEmperor.SHORT, "the on-config hook ran", () -> lines(out.resolve("config.log")).size() == 1);
            assertEquals(List.of("config od.ini"), lines(out.resolve("config.log")));
            e.awaitLog(Pattern.quote("(as-on-config-vassal)..."), TempEmperor.SHORT);
            e.awaitAnswer(port, "od", TempEmperor.SHORT); // watched again after the on-config hook succeeded
            assertFalse(e.logHas(Pattern.quote("removed uwsgi instance od.ini")), e.diagnostics());
        }
    }

    @Test
    void aFailingHookRemovesTheVassalUntilALaterSleepsHookSucceeds() throws Exception {
        Path root = Files.createTempDirectory("emperor-it-odhooks-fail-");
        Path out = Files.createDirectories(root.resolve("out"));
        Path refuseSleep = Files.writeString(root.resolve("refuse-sleep"), "");
        Path refuseConfig = root.resolve("refuse-config");
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("odhooks-fail").root(root, false)
                .option("emperor-on-demand-extension", ".socket")
                // every line runs: the record comes after the failing test
                .add("hook-as-on-demand-vassal", "exec:test ! -e " + refuseSleep)
                .add("hook-as-on-demand-vassal", "appendn:" + out.resolve("demand.log") + " ran")
                .add("hook-as-on-config-vassal", "exec:test ! -e " + refuseConfig)
                .build()) {
            Path config = OnDemandIT.writeOnDemand(e, "od", "127.0.0.1:" + port);
            e.start();
            e.awaitLog(Pattern.quote("command \"test ! -e " + refuseSleep + "\" exited with non-zero code: 1"), TempEmperor.SHORT);
            e.awaitLog(Pattern.quote("[emperor] removed uwsgi instance od.ini"), TempEmperor.SHORT);
            e.await(TempEmperor.SHORT, "the line after the failure ran too", () -> !lines(out.resolve("demand.log")).isEmpty());
            assertFalse(OnDemandIT.listening(port), "removed: its socket is closed\n" + e.diagnostics());
            Pattern removed = Pattern.compile(Pattern.quote("[emperor] removed uwsgi instance od.ini"));
            e.await(TempEmperor.SHORT, "retried after its blacklist window, removed again", () -> e.log().count(0, removed) >= 2);
            assertFalse(OnDemandIT.listening(port), "a retry whose hook failed again closed its socket again");

            Files.delete(refuseSleep);
            e.await(LONG, "asleep again once the hook succeeded", () -> OnDemandIT.listening(port));
            e.awaitAnswer(port, "od", TempEmperor.SHORT);
            e.awaitLog(Pattern.quote("[uwsgi-emperor] od.ini -> back to \"on demand\" mode"), LONG);
            e.await(TempEmperor.SHORT, "listening asleep", () -> OnDemandIT.listening(port));

            Files.writeString(refuseConfig, "");
            int mark = e.log().mark();
            touch(config, 5);
            e.awaitLog(mark, Pattern.quote("[emperor] curse the uwsgi instance od.ini (pid: -1)"), TempEmperor.SHORT);
            e.awaitLog(mark, Pattern.quote("[emperor] removed uwsgi instance od.ini"), TempEmperor.SHORT);
            Files.delete(refuseConfig);
            // asleep again after its blacklist window, served again
            e.await(LONG, "asleep again after the window", () -> OnDemandIT.listening(port));
            e.awaitAnswer(port, "od", TempEmperor.SHORT);
            assertTrue(e.logHas(Pattern.quote("(as-on-config-vassal)...")), e.diagnostics());
        }
    }
}
