package dev.emperor.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.FakeUserDatabase;
import dev.emperor.internal.UserDatabase;
import dev.emperor.testing.NssUsers;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code uid}/{@code gid} of the Emperor itself: numbers as given, names looked up through NSS. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProcessSetupTest {

    @Test
    void numbersAndNamesResolveAndUnknownNamesAreErrors() throws Exception {
        FakeUserDatabase db = new FakeUserDatabase().user("root", 0).user("www-data", 33).group("staff", 50);
        assertEquals(33, ProcessSetup.resolve("www-data", "uid", db::uidOf));
        assertEquals(50, ProcessSetup.resolve("staff", "gid", db::gidOf));
        assertEquals(1234, ProcessSetup.resolve("1234", "uid", db::uidOf));
        ProcessSetup.SetupException e = assertThrows(ProcessSetup.SetupException.class,
                () -> ProcessSetup.resolve("nosuchuser", "uid", db::uidOf));
        assertTrue(e.getMessage().contains("unknown uid 'nosuchuser'"), e.getMessage());
        db.failing("getpwnam(www-data) failed: Input/output error");
        e = assertThrows(ProcessSetup.SetupException.class, () -> ProcessSetup.resolve("www-data", "uid", db::uidOf));
        assertTrue(e.getMessage().contains("cannot look up uid 'www-data'"), e.getMessage());
    }

    @Test
    void theSystemDatabaseAnswersForRoot() throws Exception {
        assertEquals(0, ProcessSetup.resolve("root", "uid", UserDatabase.system()::uidOf));
        assertEquals(0, ProcessSetup.resolve("root", "gid", UserDatabase.system()::gidOf));
    }

    @Test
    void aUserKnownOnlyThroughNssResolves() throws Exception {
        NssUsers.ensure("emperor-nss", 47110); // root-only: fails in CI if not root, skips elsewhere
        assertEquals(47110, ProcessSetup.resolve("emperor-nss", "uid", UserDatabase.system()::uidOf));
        assertEquals(47110, ProcessSetup.resolve("emperor-nss", "gid", UserDatabase.system()::gidOf));
    }

    static dev.emperor.config.EmperorConfig config(String... kv) throws Exception {
        java.util.List<dev.emperor.config.RawOption> opts = new java.util.ArrayList<>(
                java.util.List.of(dev.emperor.config.RawOption.of("emperor", "/v")));
        for (int i = 0; i < kv.length; i += 2) {
            opts.add(dev.emperor.config.RawOption.of(kv[i], kv[i + 1]));
        }
        return dev.emperor.config.ConfigLoader.load(opts, java.util.Map.of(), java.nio.file.Path.of("/")).config();
    }

    @Test
    void capKeepsItsCapabilitiesAcrossTheDropOfARootEmperor() throws Exception {
        dev.emperor.internal.FakeNative nat = new dev.emperor.internal.FakeNative(); // uid 0
        java.util.List<String> log = new java.util.ArrayList<>();
        ProcessSetup.dropPrivileges(config("uid", "992", "gid", "991"), java.util.List.of("setgid", "setuid"), nat, log::add);
        assertEquals(java.util.List.of("drop 992 991 keeping c0"), nat.calls);
        assertEquals(java.util.List.of("[emperor] running as uid 992 gid 991 keeping capabilities setgid,setuid"), log);
        // without uid/gid: root narrows itself to the capabilities, as uWSGI's cap_set_proc
        nat.calls.clear();
        ProcessSetup.dropPrivileges(config(), java.util.List.of("setuid"), nat, log::add);
        assertEquals(java.util.List.of("drop 0 0 keeping 80"), nat.calls);
        // no cap: the plain drop
        nat.calls.clear();
        ProcessSetup.dropPrivileges(config("uid", "992", "gid", "991"), java.util.List.of(), nat, log::add);
        assertEquals(java.util.List.of("drop 992 991"), nat.calls);
    }

    @Test
    void capMeansNothingToAnEmperorThatDoesNotStartAsRoot() throws Exception {
        dev.emperor.internal.FakeNative nat = new dev.emperor.internal.FakeNative();
        nat.uid = 1000;
        java.util.List<String> log = new java.util.ArrayList<>();
        ProcessSetup.dropPrivileges(config(), java.util.List.of("setgid", "setuid"), nat, log::add);
        assertEquals(java.util.List.of(), nat.calls);
        assertEquals(java.util.List.of("[emperor] cap = setgid,setuid has no effect: the Emperor does not start as root"
                + " (it runs as uid 1000)"), log);
    }
}
