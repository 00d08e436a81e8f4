package dev.emperor.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Emperor logs to a full disk ({@code logto = /dev/full}: every log write fails with ENOSPC):
 * vassals still start, reload on a touch and stop on removal, the stats keep answering
 * (docs/reliability-time.md, "Other faults"). Same with uWSGI.
 */
@Timeout(90)
class FullLogDiskIT {

    @Test
    void aFullLogDiskStopsNothing() throws Exception {
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("full-log-disk").option("logto", "/dev/full").build()) {
            Path f = Vassals.python("disk", port).writeTo(e);
            e.start();
            e.awaitAnswer(port, "disk", TempEmperor.SHORT);
            long pid = e.awaitVassal("disk.ini", TempEmperor.SHORT, "running", v -> v.pid() > 0).pid();
            Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
            e.awaitVassal("disk.ini", TempEmperor.SHORT, "reloaded in place", v -> v.pid() == pid && v.respawns() == 1);
            e.awaitAnswer(port, "disk", TempEmperor.SHORT);
            ProcTree.Proc master = ProcTree.require(pid);
            Files.delete(f);
            e.awaitStats(TempEmperor.SHORT, "vassal removed", s -> s.vassal("disk.ini").isEmpty());
            e.await(TempEmperor.SHORT, "the master exited", () -> !ProcTree.exists(master));
        }
    }
}
