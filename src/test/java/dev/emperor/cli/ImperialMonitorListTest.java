package dev.emperor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --imperial-monitor-list} prints the available kinds of the one registry, in uWSGI's layout, then each refused kind with its reason (uWSGI with plugins = emperor_pg,emperor_zeromq prints pg, zmq, dir, glob). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ImperialMonitorListTest {
    @Test
    void printsTheAvailableKindsAsUwsgi() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"--imperial-monitor-list"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("*** uWSGI loaded imperial monitors ***\npg\nzmq\ndir\nglob\n--- end of imperial monitors list ---\n"),
                text);
        String after = text.substring(text.indexOf("--- end of imperial monitors list ---\n") + 38);
        List<String> refused = after.lines().toList();
        assertEquals(2, refused.size(), after);
        assertTrue(refused.get(0).startsWith("refused: mongodb:// (uWSGI's emperor_mongodb is not packaged by Debian"), after);
        assertTrue(refused.get(1).startsWith("refused: amqp:// (uWSGI's emperor_amqp keeps a freed buffer"), after);
    }
}
