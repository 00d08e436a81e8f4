package dev.emperor.config;

import static dev.emperor.config.ConfigFixture.env;
import static dev.emperor.config.ConfigFixture.lines;
import static dev.emperor.config.ConfigFixture.opt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Configuration logic, ini-dialect §7. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LogicTest {

    @TempDir
    Path tmp;
    ConfigFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ConfigFixture(tmp);
    }

    private List<String> monitors(Map<String, String> environ, String... iniLines) throws Exception {
        fx.write("l.ini", "[uwsgi]\n" + lines(iniLines));
        return fx.load(environ, opt("ini", "l.ini")).config().monitors();
    }

    private List<String> monitors(String... iniLines) throws Exception {
        return monitors(Map.of(), iniLines);
    }

    @Test
    void forRepeatsEachOptionWithTheItem() throws Exception {
        assertEquals(List.of("/a/x", "/b/x", "/c/x", "/z"),
                monitors("for = a  b c", "emperor = /%(_)/x", "endfor", "emperor = /z"));
    }

    @Test
    void forTimesAndForReadline() throws Exception {
        fx.write("names.txt", "one\ntwo\r\n");
        assertEquals(List.of("/1", "/2", "/3", "/one", "/two"), monitors("for-times = 3", "emperor = /%(_)", "end",
                "for-readline = names.txt", "emperor = /%(_)", "end-for"));
    }

    @Test
    void forReadlineOnAMissingFileAddsNothingAndWarns() throws Exception {
        fx.write("l.ini", "[uwsgi]\n" + lines("for-readline = nope.txt", "emperor = /%(_)", "endfor"));
        LoadResult r = fx.load(opt("ini", "l.ini"));
        assertEquals(List.of(), r.config().monitors());
        assertTrue(r.warnings().get(0).contains("nope.txt"), r.warnings().toString());
    }

    @Test
    void ifEnvAndIfNotEnv() throws Exception {
        Map<String, String> e = env("MODE", "prod");
        assertEquals(List.of("/prod", "/eq"), monitors(e, "if-env = MODE", "emperor = /%(_)", "endif",
                "if-env = MODE=prod", "emperor = /eq", "endif", "if-env = MODE=dev", "emperor = /no", "endif",
                "if-not-env = MODE", "emperor = /no2", "endif"));
        assertEquals(List.of("/%(_)", "/ne"), monitors(Map.of(), "if-not-env = MODE", "emperor = /%(_)", "endif",
                "ifenv = MODE", "emperor = /no", "endif", "if-not-env = X=1", "emperor = /ne", "endif"));
    }

    @Test
    void ifExistsFileDir() throws Exception {
        fx.write("here.txt", "");
        assertEquals(List.of("here.txt", "/nf", "/dir", "/file"), monitors("if-exists = here.txt", "emperor = %(_)",
                "endif", "if-exists = gone", "emperor = /no", "endif", "if-not-exists = gone", "emperor = /nf", "endif",
                "if-dir = " + tmp, "emperor = /dir", "endif", "if-file = here.txt", "emperor = /file", "endif",
                "if-not-file = here.txt", "emperor = /no", "endif"));
    }

    @Test
    void ifOptLooksAtOptionsCollectedSoFar() throws Exception {
        assertEquals(List.of("/v", "/later-no"), monitors("mode = v", "if-opt = mode", "emperor = /%(_)", "endif",
                "if-opt = late", "emperor = /early-no", "endif", "late = 1", "if-not-opt = mode=x",
                "emperor = /later-no", "endif"));
    }

    @Test
    void keysTestedByIfOptAreNotWarnedAbout() throws Exception {
        fx.write("l.ini", "[uwsgi]\n" + lines("mode = prod", "if-opt = mode=prod", "emperor = /p", "endif"));
        LoadResult r = fx.load(opt("ini", "l.ini"));
        assertEquals(List.of("/p"), r.config().monitors());
        assertEquals(List.of(), r.warnings());
    }

    @Test
    void hostnamePluginAndReload() throws Exception {
        assertEquals(List.of("/h", "/m", "/np", "/nr"), monitors("if-hostname = testhost", "emperor = /h", "endif",
                "if-hostname-match = ^test", "emperor = /m", "endif", "if-not-hostname = testhost", "emperor = /x",
                "endif", "if-plugin = python3", "emperor = /p", "endif", "if-not-plugin = python3", "emperor = /np",
                "endif", "if-reload", "emperor = /r", "endif", "if-not-reload", "emperor = /nr", "endif"));
    }

    @Test
    void anyCloserClosesWhateverIsOpen() throws Exception {
        assertEquals(List.of("/a", "/b", "/after"),
                monitors("for = a b", "emperor = /%(_)", "endif", "emperor = /after"));
    }

    @Test
    void nestedLogicIsRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> monitors("for = a b", "if-env = HOME", "emperor = /x", "endif"));
        assertTrue(e.getMessage().contains("recursive logic in options is not supported"), e.getMessage());
    }

    @Test
    void nestedOpenerInAFalseConditionIsSwallowedLikeUwsgi() throws Exception {
        // the inner if-env is dropped with the rest, so its endif closes the outer block
        assertEquals(List.of("/b"), monitors("if-env = NOPE", "if-env = HOME", "emperor = /a", "endif",
                "emperor = /b", "endif"));
    }

    @Test
    void logicOpenerArgumentIsNotExpanded() throws Exception {
        // the condition tests a variable literally named "$(NAME)"
        assertEquals(List.of(), monitors(env("NAME", "HOME", "HOME", "/h"), "if-env = $(NAME)", "emperor = /y", "endif"));
        // the item is the literal text; the option it lands in is expanded later, as usual
        assertEquals(List.of("/1"), monitors(env("X", "1"), "for = $(X)", "emperor = /%(_)", "endfor"));
    }

    @Test
    void blocksWorkOnTheCommandLineAndSpanFiles() throws Exception {
        fx.write("inc.ini", "[uwsgi]\nemperor = /%(_)\n");
        LoadResult r = fx.load(opt("for", "p q"), opt("include", "inc.ini"), opt("endfor", ""),
                opt("emperor", "/end"));
        // the include itself is repeated per item; inside it, options are not filtered again
        assertEquals(List.of("/%(_)", "/%(_)", "/end"), r.config().monitors());
    }

    @Test
    void blockClosersAreNotWarnedAbout() throws Exception {
        fx.write("l.ini", "[uwsgi]\n" + lines("end", "endif", "end-for"));
        assertEquals(List.of(), fx.load(opt("ini", "l.ini")).warnings());
    }

    @Test
    void forGlobIsNotSupportedYet() {
        ConfigException e = assertThrows(ConfigException.class, () -> monitors("for-glob = *.ini"));
        assertTrue(e.getMessage().endsWith("option 'for-glob': not supported yet"), e.getMessage());
    }

    @Test
    void badHostnameRegexpIsAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> monitors("if-hostname-match = (", "emperor = /x", "endif"));
        assertEquals("if-hostname-match", e.option());
    }
}
