package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emperor.testing.NssUsers;
import dev.emperor.testing.TestUsers;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * emperor-tyrant with emperor-tyrant-initgroups for a vassal whose owner exists only through NSS
 * (a systemd userdb record in /run/userdb, not in /etc/passwd): the owner lookup finds it (no
 * "has no passwd entry" refusal), and the real uWSGI vassal runs as that uid/gid with the groups
 * initgroups gave it (its primary group, where --clear-groups would leave none). Root-only; CI runs
 * as root with Debian's libnss-systemd.
 */
@Timeout(120)
class TyrantNssUserIT {

    @Test
    void aUserKnownOnlyThroughNssRunsItsVassalWithInitgroups() throws Exception {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "the refusal wording and the initgroups check are ours");
        TestUsers.User u = NssUsers.ensure("emperor-nss", 47110);
        int port = Ports.free();
        try (TempEmperor e = TyrantIT.tyrant("tyrant-nss", "emperor-tyrant-initgroups", "true")) {
            TyrantIT.write(e, Vassals.python("nss", port), u);
            e.start();
            e.awaitAnswer(port, "nss", TempEmperor.SHORT);
            long master = e.awaitVassal("nss.ini", TempEmperor.SHORT, "listed", v -> v.pid() > 0).pid();
            String uids = ProcTree.status(master, "Uid").orElseThrow().replaceAll("\\s+", " ");
            String gids = ProcTree.status(master, "Gid").orElseThrow().replaceAll("\\s+", " ");
            String groups = ProcTree.status(master, "Groups").orElseThrow().trim();
            assertEquals("47110 47110 47110 47110", uids, "vassal master uids");
            assertEquals("47110 47110 47110 47110", gids, "vassal master gids");
            assertEquals("47110", groups, "initgroups through NSS: the user's own group");
            e.awaitLog("\\[emperor-tyrant\\] dropping privileges to 47110 47110 for instance nss\\.ini", Duration.ofSeconds(1));
        }
    }
}
