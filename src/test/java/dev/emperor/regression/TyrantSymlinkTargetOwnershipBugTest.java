package dev.emperor.regression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.monitor.DirMonitor;
import dev.emperor.source.TyrantCheck;
import dev.emperor.source.VassalSource;
import dev.emperor.source.VassalNames;
import dev.emperor.testing.TestUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * uWSGI UNSAFE (imperial-monitors §5): in Tyrant mode without {@code emperor-tyrant-nofollow} the
 * owner is taken from a symlink's <em>target</em>, so anyone allowed to create a link in the vassal
 * directory makes a vassal run as the owner of any readable config. Here such a link is refused
 * with a reason; with {@code emperor-tyrant-nofollow} the link's own owner is used, as in uWSGI.
 * Root-only (chown to arbitrary ids; no passwd entries needed).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TyrantSymlinkTargetOwnershipBugTest {
    static final int VICTIM = 42_424;
    static final int ATTACKER = 43_434;

    @TempDir
    Path tmp;
    Path vassals;
    Path victimFile;

    @BeforeEach
    void setUp() throws Exception {
        TestUsers.requireRoot();
        vassals = Files.createDirectories(tmp.resolve("vassals"));
        victimFile = Files.writeString(Files.createDirectories(tmp.resolve("elsewhere")).resolve("victim.ini"), "[uwsgi]\n");
        TestUsers.own(victimFile, VICTIM, VICTIM);
        Path link = Files.createSymbolicLink(vassals.resolve("evil.ini"), victimFile);
        TestUsers.own(link, ATTACKER, ATTACKER);
    }

    private VassalSource scan(boolean tyrantNofollow) {
        TyrantCheck check = new TyrantCheck(tyrantNofollow, false, dev.emperor.internal.UserDatabase.system());
        List<VassalSource> found = new DirMonitor(vassals, new VassalNames(List.of()), false, List.of(), check).scan().vassals();
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
    }

    @Test
    void linkToAnotherUsersFileIsRefusedByDefault() {
        VassalSource f = scan(false);
        assertTrue(f.refusal() != null, "uWSGI would run it as uid " + VICTIM);
        assertEquals("[emperor-tyrant] invalid permissions for vassal evil.ini: symlink owned by " + ATTACKER + ":" + ATTACKER
                + " points to a file owned by " + VICTIM + ":" + VICTIM
                + " (uWSGI would run it as the target's owner; set emperor-tyrant-nofollow to run links as their own owner)",
                f.refusal());
    }

    @Test
    void linkOwnedByTheTargetsOwnerIsAccepted() throws Exception {
        TestUsers.own(vassals.resolve("evil.ini"), VICTIM, VICTIM);
        VassalSource f = scan(false);
        assertNull(f.refusal());
        assertEquals(VICTIM, f.uid());
    }

    @Test
    void withTyrantNofollowTheLinkRunsAsItsOwnOwner() {
        VassalSource f = scan(true);
        assertNull(f.refusal());
        assertEquals(ATTACKER, f.uid());
        assertEquals(ATTACKER, f.gid());
    }

    @Test
    void rootOwnedLinkToAUsersFileIsRefusedToo() throws Exception {
        TestUsers.own(vassals.resolve("evil.ini"), 0, 0);
        assertTrue(scan(false).refusal().contains("symlink owned by 0:0"));
        assertEquals("[emperor-tyrant] invalid permissions for vassal evil.ini", scan(true).refusal());
    }
}
