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
@Timeout(value = 5, unit = TimeUnit.SECONDS)
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
}
