package dev.emperor.config;

import static dev.emperor.config.ConfigFixture.env;
import static dev.emperor.config.ConfigFixture.lines;
import static dev.emperor.config.ConfigFixture.opt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Refused, ignored and unknown options; strict mode; the UWSGI_* environment (ini-dialect §1, §8). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OptionStatusTest {

    @TempDir
    Path tmp;
    ConfigFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ConfigFixture(tmp);
    }

    private LoadResult ini(String... iniLines) throws Exception {
        return fx.loadIni("e.ini", "[uwsgi]\n" + lines(iniLines));
    }

    private String file() {
        return tmp.resolve("e.ini").toString();
    }

    @Test
    void notYetOptionIsRefusedWithFileAndLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> ini("emperor = /v", "umask = 022"));
        assertEquals(file() + ":3: option 'umask': not supported yet", e.getMessage());
        assertEquals(file(), e.file());
        assertEquals(3, e.line());
        assertEquals("umask", e.option());
        assertEquals("not supported yet", e.detail());
    }

    @Test
    void everyNotYetOptionOfTheBriefIsRefused() throws Exception {
        for (String key : List.of("call-as-emperor2", "call-as-vassal3",
                "fork-server", "fork-socket", "zeus", "hook-as-emperor-setns")) {
            ConfigException e = assertThrows(ConfigException.class, () -> ini(key + " = 7"), key);
            String why = RefusalReasons.of(OptionTable.lookup(key));
            assertTrue(e.getMessage().endsWith("option '" + key + "': " + (why == null ? "not supported yet"
                    : "not supported: " + why)), e.getMessage());
        }
    }

    @Test
    void notYetOptionWhoseValueMeansOffIsAcceptedSilently() throws Exception {
        LoadResult r = ini("emperor-tyrant = false", "early-emperor = 0", "emperor-magic-exec = off",
                "emperor-broodlord = 0", "emperor-tyrant-nofollow = no");
        assertEquals(List.of(), r.warnings());
    }

    @Test
    void broodlordIsSupported() throws Exception {
        assertEquals(3, ini("emperor-broodlord = 3").config().broodlord());
        assertEquals(0, ini().config().broodlord());
    }

    @Test
    void notYetOnTheCommandLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> fx.load(opt("umask", "022")));
        assertEquals("command line: option 'umask': not supported yet", e.getMessage());
        assertNull(e.file());
        assertEquals(0, e.line());
    }

    @Test
    void ignoredOptionsWarnOncePerKeyEvenOnTheCommandLine() throws Exception {
        fx.write("e.ini", "[uwsgi]\n" + lines("master = true", "plugins = python3", "master = true"));
        LoadResult r = fx.load(opt("ini", "e.ini"), opt("die-on-term", ""));
        assertEquals(List.of(
                "[emperor] ignoring option 'master' in " + file() + ":2: no effect on this daemon",
                "[emperor] ignoring option 'plugins' in " + file() + ":3: no effect on this daemon",
                "[emperor] ignoring option 'die-on-term' on the command line: no effect on this daemon"),
                r.warnings());
    }

    @Test
    void unknownKeysInFilesWarnWithDidYouMean() throws Exception {
        LoadResult r = ini("emperor-frequency = 3", "emperor-freqq = 4", "emperor-freqq = 5", "totally-made-up = 1");
        assertEquals(List.of(
                "[emperor] ignoring option 'emperor-frequency' in " + file()
                        + ":2: not an option of this daemon",
                "[emperor] ignoring option 'emperor-freqq' in " + file()
                        + ":3: not an option of this daemon (did you mean 'emperor-freq'?)",
                "[emperor] ignoring option 'totally-made-up' in " + file() + ":5: not an option of this daemon"),
                r.warnings());
    }

    @Test
    void unknownKeysUsedAsPlaceholdersAreNotWarnedAbout() throws Exception {
        LoadResult r = ini("base = /srv", "emperor = %(base)/vassals", "n = 2", "emperor-freq = %(n + 1)",
                "set-ph = other=1");
        assertEquals(List.of(), r.warnings());
        assertEquals(List.of("/srv/vassals"), r.config().monitors());
        assertEquals(3, r.config().freq());
    }

    @Test
    void unknownOptionOnTheCommandLineIsAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> fx.load(opt("emperor-freqq", "3")));
        assertEquals("command line: option 'emperor-freqq': unrecognized option '--emperor-freqq' "
                + "(did you mean 'emperor-freq'?)", e.getMessage());
    }

    @Test
    void strictMakesUnknownKeysFatal() {
        ConfigException e = assertThrows(ConfigException.class, () -> ini("strict", "emperor = /v", "nonsense-key = 1"));
        assertEquals(file() + ":4: option 'nonsense-key': [strict-mode] unknown config directive", e.getMessage());
        // strict anywhere counts, also after the unknown key
        assertThrows(ConfigException.class, () -> ini("foo = 1", "strict = true"));
    }

    @Test
    void strictAllowsDeclaredPlaceholdersAndIgnoredOptions() throws Exception {
        LoadResult r = ini("strict", "set-placeholder = base=/srv", "emperor = %(base)", "master");
        assertEquals(List.of("/srv"), r.config().monitors());
    }

    @Test
    void placeholderMayNotShadowAnOption() {
        ConfigException e = assertThrows(ConfigException.class, () -> ini("set-ph = emperor=/x"));
        assertTrue(e.getMessage().endsWith("you cannot use emperor as a placeholder, it is already available as an option"),
                e.getMessage());
    }

    @Test
    void setNeedsAnEqualsSign() {
        ConfigException e = assertThrows(ConfigException.class, () -> ini("set = nothing"));
        assertEquals("set", e.option());
    }

    @Test
    void environmentVariablesBecomeOptions() throws Exception {
        LoadResult r = fx.load(env("UWSGI_EMPEROR", "/env/vassals", "UWSGI_EMPEROR_FREQ", "5",
                "UWSGI_VASSALS_DIR", "/ignored", "UWSGI_EMPEROR_FD", "3", "UWSGI_MY_THING", "x", "PATH", "/bin"));
        assertEquals(List.of("/env/vassals"), r.config().monitors());
        assertEquals(5, r.config().freq());
        assertEquals(List.of("[emperor] ignoring option 'my-thing' in environment variable UWSGI_MY_THING: "
                + "not an option of this daemon"), r.warnings());
        assertNull(r.config().placeholders().get("vassals-dir"));
    }

    @Test
    void vassalVariablesAreForTheVassalsNotOptionsOfTheEmperor() throws Exception {
        LoadResult r = fx.load(env("UWSGI_EMPEROR", "/e", "UWSGI_VASSAL_SOCKET", "127.0.0.1:1",
                "UWSGI_VASSAL_PROCESSES", "4"));
        assertEquals(List.of(), r.warnings(), "no 'ignoring option vassal-socket' warning");
        assertNull(r.config().placeholders().get("vassal-socket"));
    }

    @Test
    void environmentComesBeforeTheCommandLine() throws Exception {
        LoadResult r = fx.load(env("UWSGI_EMPEROR_FREQ", "5", "UWSGI_EMPEROR", "/e"),
                opt("emperor-freq", "6"), opt("emperor", "/c"));
        assertEquals(6, r.config().freq());
        assertEquals(List.of("/e", "/c"), r.config().monitors());
    }

    @Test
    void environmentOptionErrorsNameTheVariable() {
        ConfigException e = assertThrows(ConfigException.class, () -> fx.load(env("UWSGI_UMASK", "022")));
        assertEquals("environment variable UWSGI_UMASK: option 'umask': not supported yet",
                e.getMessage());
    }

    @Test
    void envNameMapping() {
        assertEquals("emperor-stats-server", ConfigLoader.envToOption("UWSGI_EMPEROR_STATS_SERVER"));
        assertEquals("ini", ConfigLoader.envToOption("UWSGI_INI"));
    }
}
