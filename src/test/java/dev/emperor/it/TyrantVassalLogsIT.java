package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.emperor.testing.TestUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * emperor-vassal-logs under Tyrant (root-only; CI runs as root): the Emperor opens each vassal's file and hands it
 * to the vassal's owner; a symlink planted in the vassal's place is refused, never followed, and the vassal does
 * not start (docs/logging.md, "Vassal log files").
 */
@Timeout(90)
class TyrantVassalLogsIT {
    TestUsers.User a;

    @BeforeEach
    void users() {
        Assumptions.assumeTrue(Impl.current() == Impl.OURS, "emperor-vassal-logs is this daemon's option");
        a = TestUsers.ensure(TestUsers.A);
    }

    @Test
    void logFilesBelongToTheOwnerAndSymlinksAreRefused() throws Exception {
        int pa = Ports.free();
        Path secret = Files.createTempFile("emperor-it-secret-", ".txt");
        try (TempEmperor probe = TempEmperor.prepare("tyrant-logs-dir").build()) {
            Path logs = Files.createDirectories(probe.root().resolve("vlogs"));
            try (TempEmperor e = TyrantIT.tyrant("tyrant-logs", "emperor-vassal-logs", logs.toString())) {
                Files.writeString(secret, "untouched");
                Files.createSymbolicLink(logs.resolve("tb.ini.log"), secret);
                TyrantIT.write(e, Vassals.python("ta", pa), a);
                TyrantIT.write(e, Vassals.python("tb", Ports.free()), a);
                e.start();
                e.awaitAnswer(pa, "ta", TempEmperor.SHORT);
                Path ta = logs.resolve("ta.ini.log");
                Poll.until(TempEmperor.SHORT, "ta's output in its file", () -> Files.readString(ta).contains("127.0.0.1:" + pa));
                assertEquals(a.uid(), Files.getAttribute(ta, "unix:uid"), "the vassal's owner");
                assertEquals(a.gid(), Files.getAttribute(ta, "unix:gid"));
                assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(ta)));
                e.awaitLog("cannot start vassal tb\\.ini: emperor-vassal-logs: cannot open .*tb\\.ini\\.log: is a symlink", TempEmperor.SHORT);
                assertEquals("untouched", Files.readString(secret));
                assertEquals(0, Files.getAttribute(secret, "unix:uid"), "never chowned through the link");
                assertFalse(e.stats().vassal("tb.ini").filter(v -> v.pid() > 0).isPresent(), "tb never started");
            }
        } finally {
            Files.deleteIfExists(secret);
        }
    }
}
