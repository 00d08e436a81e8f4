package dev.emperor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.config.ConfigException;
import dev.emperor.config.OptionDef;
import dev.emperor.config.OptionTable;
import dev.emperor.config.RawOption;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** uWSGI's command line (ini-dialect §9) through picocli. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CommandLineOptionsTest {

    private static List<String> parsed(String... args) throws ConfigException {
        return new CommandLineOptions().parseArgs(args).options().stream().map(o -> o.key() + "=" + o.value()).toList();
    }

    @Test
    void separateAndAttachedValues() throws ConfigException {
        assertEquals(List.of("emperor=/a", "emperor=/b", "emperor-freq=5"),
                parsed("--emperor", "/a", "--emperor=/b", "--emperor-freq=5"));
    }

    @Test
    void orderIsKeptAcrossDifferentOptions() throws ConfigException {
        assertEquals(List.of("emperor=/a", "ini=x.ini", "emperor-freq=4", "ini=y.ini:s", "emperor=/b"),
                parsed("--emperor", "/a", "--ini", "x.ini", "--emperor-freq", "4", "--ini=y.ini:s", "--emperor", "/b"));
    }

    @Test
    void valuesMayContainEqualsAndLookLikeOptions() throws ConfigException {
        assertEquals(List.of("vassals-set=processes=8", "set=a=b", "emperor=--weird", "emperor="),
                parsed("--vassals-set=processes=8", "--set", "a=b", "--emperor", "--weird", "--emperor="));
    }

    @Test
    void booleansTakeOnlyAnAttachedValue() throws ConfigException {
        ParsedArgs p = new CommandLineOptions().parseArgs(
                new String[] {"--emperor-nofollow", "e.ini", "--emperor-no-blacklist=false", "--strict"});
        assertEquals(List.of("emperor-nofollow=", "emperor-no-blacklist=false", "strict=", "include=e.ini"),
                p.options().stream().map(o -> o.key() + "=" + o.value()).toList());
    }

    @Test
    void optionalArgumentOptionsTakeOnlyAnAttachedValue() throws ConfigException {
        // GOTCHA of uWSGI: "--chmod-socket 644" makes 644 a positional config file
        assertEquals(List.of("log-date=", "chmod-socket=600", "chmod-socket=", "include=644"),
                parsed("--log-date", "--chmod-socket=600", "--chmod-socket", "644"));
    }

    @Test
    void positionalFilesAreIncludedAfterAllOptions() throws ConfigException {
        assertEquals(List.of("emperor-freq=5", "emperor=/v", "include=a.ini", "include=b.ini"),
                parsed("a.ini", "--emperor-freq", "5", "b.ini", "--emperor", "/v"));
    }

    @Test
    void bracketPositionalsAreLeftToPluginsAndDoubleDashEndsOptions() throws ConfigException {
        assertEquals(List.of("include=--emperor"), parsed("[ignored]", "--", "--emperor"));
    }

    @Test
    void aliasesAreRecordedAsTyped() throws ConfigException {
        assertEquals(List.of("emperor-stats-server=:1", "vassal-set=a=1", "emperor-extra-ext=.conf"),
                parsed("--emperor-stats-server", ":1", "--vassal-set", "a=1", "--emperor-extra-ext=.conf"));
    }

    @Test
    void shortOptions() throws ConfigException {
        assertEquals(List.of("listen=5", "listen=6", "set=k=v", "daemonize=/log", "socket-timeout=9", "master=",
                        "chmod-socket=", "chmod-socket=640"),
                parsed("-l", "5", "-l6", "-S", "k=v", "-d", "/log", "-z9", "-M", "-C", "-C640"));
    }

    @Test
    void unknownOptionNamesTheOption() {
        ConfigException e = assertThrows(ConfigException.class, () -> parsed("--emperor", "/v", "--foo=bar"));
        assertEquals("command line: option 'foo': unrecognized option '--foo=bar' (did you mean '--for'?)",
                e.getMessage());
        assertEquals("foo", e.option());
        assertNull(e.file());
    }

    @Test
    void unknownOptionSuggestsTheClosestName() {
        ConfigException e = assertThrows(ConfigException.class, () -> parsed("--emperor-freqq", "3"));
        assertEquals("command line: option 'emperor-freqq': unrecognized option '--emperor-freqq' "
                + "(did you mean '--emperor-freq'?)", e.getMessage());
    }

    @Test
    void noShortOptionForTheEmperor() {
        ConfigException e = assertThrows(ConfigException.class, () -> parsed("-E", "/v"));
        assertTrue(e.getMessage().contains("-E"), e.getMessage());
    }

    @Test
    void missingArgument() {
        ConfigException e = assertThrows(ConfigException.class, () -> parsed("--emperor-freq=1", "--emperor"));
        assertEquals("command line: option 'emperor': option '--emperor' requires an argument", e.getMessage());
        assertEquals("emperor", e.option());
    }

    @Test
    void helpAndVersion() throws ConfigException {
        ParsedArgs help = new CommandLineOptions().parseArgs(new String[] {"-h"});
        assertTrue(help.help());
        assertFalse(help.version());
        ParsedArgs version = new CommandLineOptions().parseArgs(new String[] {"--version", "--emperor", "/v"});
        assertTrue(version.version());
        assertEquals(1, version.options().size());
        assertTrue(new CommandLineOptions().parseArgs(new String[] {"--help"}).help());
    }

    @Test
    void everyNameOfTheTableIsAccepted() throws ConfigException {
        for (OptionDef def : OptionTable.all()) {
            for (String name : def.names()) {
                List<RawOption> got = new CommandLineOptions().parseArgs(new String[] {"--" + name + "=1"}).options();
                assertEquals(List.of(RawOption.of(name, "1")), got, name);
            }
        }
    }

    @Test
    void usageListsSupportedOptionsOnly() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
        String usage = out.toString(StandardCharsets.UTF_8);
        assertTrue(usage.startsWith("Usage: emperor [OPTIONS] [CONFIG.ini ...]"), usage);
        assertTrue(usage.contains("--emperor-freq"), usage);
        assertTrue(usage.contains("--help"), usage);
        assertFalse(usage.contains("--zeus"), usage);
        assertTrue(usage.contains("--emperor-tyrant"), usage);
        assertFalse(usage.contains("--master"), usage);
    }

    @Test
    void aSubcommandCanBeRegistered() throws ConfigException {
        CommandLineOptions options = new CommandLineOptions();
        CommandSpec ctl = CommandSpec.create().name("ctl");
        ctl.addPositional(CommandLine.Model.PositionalParamSpec.builder().arity("0..*").type(String.class).build());
        options.commandLine().addSubcommand("ctl", new CommandLine(ctl));
        ParsedArgs p = options.parseArgs(new String[] {"ctl", "list"});
        assertNotNull(p.subcommand());
        assertEquals("ctl", p.subcommand().commandSpec().name());
        assertEquals(List.of(), p.options());
        assertNull(options.parseArgs(new String[] {"--emperor", "/v"}).subcommand());
    }
}
