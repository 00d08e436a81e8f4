package dev.emperor.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.FakeUserDatabase;
import dev.emperor.internal.UserDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Tyrant's verdicts on regular files (the symlink cases need chown: regression/TyrantSymlinkTargetOwnershipBugTest). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TyrantCheckTest {
    @TempDir
    Path tmp;
    /** What NSS would answer: users and groups need not be in any file (LDAP, sssd, userdb...). */
    final FakeUserDatabase users = new FakeUserDatabase().user("root", 0).user("alice", 1001).user("1003", 4000)
            .group("root", 0).group("alice", 1001).group("1005", 4001);
    Path file;

    @BeforeEach
    void setUp() throws Exception {
        file = Files.writeString(tmp.resolve("a.ini"), "[uwsgi]\n");
    }

    TyrantCheck check(boolean initGroups) {
        return new TyrantCheck(false, initGroups, users);
    }

    @Test
    void ownerIsTheFilesOwner() {
        assertEquals(new TyrantCheck.Owner(1001, 1001, null), check(false).owner("a.ini", file, 1001, 1001));
        assertEquals(new TyrantCheck.Owner(4242, 4242, null), check(false).owner("a.ini", file, 4242, 4242),
                "no passwd entry needed with --clear-groups, as in uWSGI");
    }

    @Test
    void rootUidOrGidIsUwsgisRefusal() {
        String line = "[emperor-tyrant] invalid permissions for vassal a.ini";
        assertEquals(line, check(false).owner("a.ini", file, 0, 0).refusal());
        assertEquals(line, check(false).owner("a.ini", file, 0, 1001).refusal());
        assertEquals(line, check(false).owner("a.ini", file, 1001, 0).refusal(), "nobody:root files too (verified in uWSGI)");
    }

    @Test
    void initgroupsNeedsAPasswdEntry() {
        assertNull(check(true).owner("a.ini", file, 1001, 1001).refusal());
        assertEquals("[emperor-tyrant] invalid permissions for vassal a.ini: uid 4242 has no passwd entry"
                + " (emperor-tyrant-initgroups needs the owner's user name for initgroups)",
                check(true).owner("a.ini", file, 4242, 4242).refusal());
    }

    @Test
    void aUserOrGroupNamedLikeTheIdIsRefused() {
        // setpriv resolves --reuid 1003 as the user NAMED "1003" (uid 4000) before trying the number
        assertEquals("[emperor-tyrant] invalid permissions for vassal a.ini: a user is named \"1003\" (uid 4000):"
                + " setpriv would take the name, not the owner's uid", check(false).owner("a.ini", file, 1003, 1003).refusal());
        assertEquals("[emperor-tyrant] invalid permissions for vassal a.ini: a group is named \"1005\" (gid 4001):"
                + " setpriv would take the name, not the owner's gid", check(false).owner("a.ini", file, 1001, 1005).refusal());
    }

    @Test
    void aFailedLookupIsNotAnAbsence() {
        users.failing("getpwnam(1001) failed: Input/output error");
        UserDatabase.LookupFailed e = assertThrows(UserDatabase.LookupFailed.class,
                () -> check(true).owner("a.ini", file, 1001, 1001),
                "a database that cannot answer must not turn into \"no such user\" (a refusal would stop a running vassal)");
        assertTrue(e.getMessage().contains("Input/output error"), e.getMessage());
    }

    @Test
    void answersAreKeptForASecondNotAskedPerFile() {
        TyrantCheck c = check(true);
        for (int i = 0; i < 100; i++) {
            assertNull(c.owner("a.ini", file, 1001, 1001).refusal());
        }
        assertEquals(3, users.lookups(), "getpwnam, getgrnam, getpwuid once each for 100 files of one owner");
    }
}
