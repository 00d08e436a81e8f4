package dev.emperor.monitor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A watched directory deleted while something keeps its inode alive (here an open directory stream; in the
 * daemon a vassal's cwd): the old watch is neither dropped nor useful. After a refresh the parent's events
 * about that name count (others do not), and the new directory is watched.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DirWatchesTest {

    @Test
    void deletedAndRecreatedDirectoryIsWatchedAgain(@TempDir Path root) throws Exception {
        Path v = Files.createDirectory(root.resolve("vassals"));
        try (WatchService ws = FileSystems.getDefault().newWatchService()) {
            DirWatches w = new DirWatches(ws);
            w.refresh(List.of(v));
            try (DirectoryStream<Path> keepsTheOldInode = Files.newDirectoryStream(v)) {
                Files.delete(v);
                drain(ws);
                w.refresh(List.of(v)); // gone: the old watch is cancelled, the parent is watched

                Files.createDirectory(root.resolve("sibling"));
                WatchKey k = ws.poll(5, TimeUnit.SECONDS);
                assertNotNull(k, "the parent is watched");
                assertFalse(w.wantsScan(k, k.pollEvents()), "a sibling's event does not ask for a scan");
                k.reset();

                Files.createDirectory(v);
                k = ws.poll(5, TimeUnit.SECONDS);
                assertNotNull(k, "the re-creation is seen on the parent");
                assertTrue(w.wantsScan(k, k.pollEvents()), "the monitored name reappearing asks for a scan");
                k.reset();

                w.refresh(List.of(v)); // the new inode gets its own watch
                Files.writeString(v.resolve("app.ini"), "[uwsgi]\n");
                k = ws.poll(5, TimeUnit.SECONDS);
                assertNotNull(k, "a file created in the new directory is seen");
                assertTrue(v.equals(k.watchable()), "on the new directory's own watch: " + k.watchable());
                assertTrue(w.wantsScan(k, k.pollEvents()));
            }
        }
    }

    private static void drain(WatchService ws) throws InterruptedException {
        for (WatchKey k; (k = ws.poll(200, TimeUnit.MILLISECONDS)) != null; ) {
            k.pollEvents();
            k.reset();
        }
    }
}
