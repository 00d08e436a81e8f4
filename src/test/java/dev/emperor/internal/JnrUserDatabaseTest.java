package dev.emperor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.testing.NssUsers;
import dev.emperor.testing.TestUsers;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The system's user database through jnr-posix: the running system's users, and one known only through NSS. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class JnrUserDatabaseTest {
    final UserDatabase db = UserDatabase.system();

    @Test
    void knowsRootAndNobody() {
        assertEquals(0, db.uidOf("root").orElseThrow());
        assertEquals(0, db.gidOf("root").orElseThrow());
        assertEquals(Optional.of("root"), db.userName(0));
        assertEquals(Optional.of("root"), db.groupName(0));
        int nobody = db.uidOf("nobody").orElseThrow();
        assertEquals(Optional.of("nobody"), db.userName(nobody));
    }

    @Test
    void unknownNamesAndIdsAreAbsentNotErrors() {
        assertTrue(db.uidOf("emperor-no-such-user").isEmpty());
        assertTrue(db.gidOf("emperor-no-such-group").isEmpty());
        assertTrue(db.userName(2_000_000_001).isEmpty());
        assertTrue(db.groupName(2_000_000_001).isEmpty());
    }

    @Test
    void aUserKnownOnlyThroughNssIsFound() {
        TestUsers.User u = NssUsers.ensure("emperor-nss", 47110);
        assertEquals(47110, db.uidOf("emperor-nss").orElseThrow());
        assertEquals(47110, db.gidOf("emperor-nss").orElseThrow());
        assertEquals(Optional.of("emperor-nss"), db.userName(u.uid()));
        assertEquals(Optional.of("emperor-nss"), db.groupName(u.gid()));
    }
}
