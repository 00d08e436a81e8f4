package dev.emperor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --imperial-monitor-list} prints the available kinds of the one registry, in uWSGI's layout (uWSGI with plugins = emperor_pg,emperor_zeromq prints pg, zmq, dir, glob). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ImperialMonitorListTest {
    @Test
    void printsTheAvailableKindsAsUwsgi() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"--imperial-monitor-list"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertEquals("*** uWSGI loaded imperial monitors ***\npg\nzmq\ndir\nglob\n--- end of imperial monitors list ---\n",
                out.toString(StandardCharsets.UTF_8));
    }
}
