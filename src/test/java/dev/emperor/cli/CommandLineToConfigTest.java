package dev.emperor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.emperor.config.ConfigException;
import dev.emperor.config.ConfigLoader;
import dev.emperor.config.EmperorConfig;
import dev.emperor.config.HostFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** argv → ordered raw options → configuration: precedence follows argv order (ini-dialect §1, §3, §9). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CommandLineToConfigTest {

    private static final HostFacts FACTS = new HostFacts("h", "v", 1, 0, "root", 0, "root", "/b", 1, 1);

    @TempDir
    Path tmp;

    private EmperorConfig load(String... args) throws Exception {
        return ConfigLoader.load(new CommandLineOptions().parseArgs(args).options(), Map.of(), tmp, FACTS).config();
    }

    @Test
    void iniIsLoadedExactlyWhereItStands() throws Exception {
        Files.writeString(tmp.resolve("e.ini"), "[uwsgi]\nemperor = /from-ini\nemperor-freq = 9\n");
        EmperorConfig before = load("--emperor-freq", "4", "--emperor", "/a", "--ini", "e.ini", "--emperor", "/c");
        assertEquals(List.of("/a", "/from-ini", "/c"), before.monitors());
        assertEquals(9, before.freq());
        assertEquals(4, load("--ini=e.ini", "--emperor-freq=4").freq());
    }

    @Test
    void positionalFileLoadsAfterTheOptionsLikeGetopt() throws Exception {
        Files.writeString(tmp.resolve("e.ini"), "[uwsgi]\nemperor-freq = 9\n");
        assertEquals(9, load("e.ini", "--emperor-freq", "4").freq());
    }

    @Test
    void typicalUwsgiCommandLineWorks() throws Exception {
        Files.createDirectories(tmp.resolve("vassals"));
        EmperorConfig c = load("--master", "--emperor", tmp.resolve("vassals").toString(), "--die-on-term",
                "--uid", "www-data", "--gid", "www-data", "--logto", "/var/log/emperor.log");
        assertEquals(List.of(tmp.resolve("vassals").toString()), c.monitors());
        assertEquals("www-data", c.uid());
        assertEquals("/var/log/emperor.log", c.logto());
    }

    @Test
    void notYetOptionFromTheCommandLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("--umask", "022"));
        assertEquals("command line: option 'umask': not supported yet", e.getMessage());
    }
}
