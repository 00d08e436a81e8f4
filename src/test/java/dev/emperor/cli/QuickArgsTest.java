package dev.emperor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.emperor.config.ConfigException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The daemon's usual command lines without picocli: the same result as picocli, or none. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class QuickArgsTest {

    private static final List<String[]> TAKEN = List.of(
            new String[] {"--ini", "/etc/uwsgi/emperor.ini"},
            new String[] {"--emperor", "/a", "--emperor=/b", "--emperor-freq=5"},
            new String[] {"--emperor", "/a", "--ini", "x.ini", "--emperor-freq", "4", "--ini=y.ini:s", "--emperor", "/b"},
            new String[] {"--emperor", "--weird", "--emperor-freq", "3"},
            new String[] {"--emperor-nofollow", "--emperor", "/a"},
            new String[] {"--emperor-nofollow=false", "--emperor", "/a"},
            new String[] {"--emperor=", "--emperor-stats", "127.0.0.1:1717"},
            new String[] {"one.ini", "--emperor", "/a", "two.ini", "[plugin]"},
            new String[] {});

    private static final List<String[]> LEFT_TO_PICOCLI = List.of(
            new String[] {"--help"}, new String[] {"-h"}, new String[] {"--version"},
            new String[] {"ctl", "status"}, new String[] {"--emperor", "/a", "ctl", "status"},
            new String[] {"-d", "/tmp/log", "--emperor", "/a"}, new String[] {"--", "x.ini"},
            new String[] {"--no-such-option", "1"}, new String[] {"--emperor"}, new String[] {"--=x"},
            new String[] {"-"}, new String[] {""}, new String[] {"@args"});

    @Test
    void takesTheUsualLinesExactlyAsPicocliDoes() throws ConfigException {
        for (String[] args : TAKEN) {
            ParsedArgs quick = QuickArgs.parse(args);
            assertNotNull(quick, String.join(" ", args));
            assertEquals(new CommandLineOptions().parseArgs(args), quick, String.join(" ", args));
        }
    }

    @Test
    void leavesEverythingElseToPicocli() {
        for (String[] args : LEFT_TO_PICOCLI) {
            assertNull(QuickArgs.parse(args), String.join(" ", args));
        }
    }
}
