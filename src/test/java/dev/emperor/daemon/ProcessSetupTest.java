package dev.emperor.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code uid}/{@code gid} of the Emperor itself: numbers as given, names looked up in passwd/group. */
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class ProcessSetupTest {

    @Test
    void numbersAndNamesResolveAndUnknownNamesAreErrors(@TempDir Path dir) throws Exception {
        Path passwd = Files.writeString(dir.resolve("passwd"),
                "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n");
        assertEquals(33, ProcessSetup.resolve("www-data", passwd, "uid"));
        assertEquals(1234, ProcessSetup.resolve("1234", passwd, "uid"));
        ProcessSetup.SetupException e = assertThrows(ProcessSetup.SetupException.class,
                () -> ProcessSetup.resolve("nosuchuser", passwd, "uid"));
        assertTrue(e.getMessage().contains("unknown uid 'nosuchuser'"), e.getMessage());
    }
}
