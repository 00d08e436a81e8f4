package dev.emperor.config;

import static dev.emperor.config.ConfigFixture.env;
import static dev.emperor.config.ConfigFixture.lines;
import static dev.emperor.config.ConfigFixture.opt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** ini-dialect §1, §2, §6: loading files in place, sections, inherit, and where errors point. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class IncludeTest {

    @TempDir
    Path tmp;
    ConfigFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ConfigFixture(tmp);
    }

    @Test
    void includedFileSeesItsOwnMagicVariablesAndTheFirstFileInUppercase() throws Exception {
        fx.write("conf/templates/tpl.ini", "[uwsgi]\n" + lines("emperor = %d%n|%N|%c"));
        LoadResult r = fx.loadIni("conf/first.ini", "[uwsgi]\n" + lines("include = %dtemplates/tpl.ini"));
        String real = tmp.toRealPath().toString();
        assertEquals(List.of(real + "/conf/templates/tpl|first|templates"), r.config().monitors());
    }

    @Test
    void optionsOfAnIniAreInsertedWhereItIsLoaded() throws Exception {
        fx.write("mid.ini", "[uwsgi]\n" + lines("emperor = /b"));
        LoadResult r = fx.load(opt("emperor", "/a"), opt("ini", "mid.ini"), opt("emperor", "/c"));
        assertEquals(List.of("/a", "/b", "/c"), r.config().monitors());
    }

    @Test
    void relativeIncludesResolveAgainstTheStartupDirectoryNotTheIncludingFile() throws Exception {
        fx.write("x.ini", "[uwsgi]\n" + lines("emperor = top"));
        fx.write("sub/x.ini", "[uwsgi]\n" + lines("emperor = sub"));
        LoadResult r = fx.loadIni("sub/main.ini", "[uwsgi]\n" + lines("include = x.ini"));
        assertEquals(List.of("top"), r.config().monitors());
    }

    @Test
    void missingIncludeNamesTheIncludingFileAndLine() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fx.loadIni("main.ini", "[uwsgi]\n" + lines("emperor = /a", "", "include = gone.ini")));
        assertEquals(tmp.resolve("main.ini").toString(), e.file());
        assertEquals(4, e.line());
        assertEquals("include", e.option());
        assertTrue(e.getMessage().startsWith(tmp.resolve("main.ini") + ":4: option 'include': cannot read gone.ini"),
                e.getMessage());
    }

    @Test
    void immediateOptionsAreNotExpanded() throws Exception {
        fx.write("real/x.ini", "[uwsgi]\nemperor = /x\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> fx.load(env("DIR", "real"), opt("include", "$(DIR)/x.ini")));
        assertTrue(e.getMessage().contains("$(DIR)/x.ini"), e.getMessage());
    }

    @Test
    void setCreatesAnOptionThatIsExpanded() throws Exception {
        LoadResult r = fx.load(env("V", "/v"), opt("set", "emperor=$(V)/vassals"));
        assertEquals(List.of("/v/vassals"), r.config().monitors());
    }

    @Test
    void otherFormatsAreNotSupportedYet() throws Exception {
        for (String name : List.of("x.yaml", "x.yml", "x.json", "x.js", "x.xml")) {
            fx.write(name, "");
            ConfigException e = assertThrows(ConfigException.class, () -> fx.load(opt("include", name)));
            assertTrue(e.getMessage().contains("not supported yet"), e.getMessage());
        }
        ConfigException e = assertThrows(ConfigException.class, () -> fx.load(opt("xml", "x.xml")));
        assertEquals("command line: option 'xml': not supported yet", e.getMessage());
    }

    @Test
    void includeNeedsAKnownExtensionAndNoSection() throws Exception {
        fx.write("x.conf", "[uwsgi]\n");
        fx.write("x.ini", "[other]\nemperor = /o\n");
        ConfigException e = assertThrows(ConfigException.class, () -> fx.load(opt("include", "x.conf")));
        assertTrue(e.getMessage().endsWith("unable to load configuration from x.conf"), e.getMessage());
        assertThrows(ConfigException.class, () -> fx.load(opt("include", "x.ini:other")));
        assertEquals(List.of("/o"), fx.load(opt("ini", "x.ini:other")).config().monitors());
    }

    @Test
    void iniSectionSelectionAndReReadingTheLastFile() throws Exception {
        fx.write("multi.ini", "[uwsgi]\n" + lines("emperor = /u", "[alt]", "emperor = /alt", "[a:b]", "emperor = /ab"));
        LoadResult r = fx.load(opt("ini", "multi.ini:alt"), opt("ini", ":uwsgi"), opt("ini", "multi.ini"));
        assertEquals(List.of("/alt", "/u", "/u"), r.config().monitors());
        // the last ':' separates the section: "multi.ini:a:b" is file "multi.ini:a", section "b"
        ConfigException e = assertThrows(ConfigException.class, () -> fx.load(opt("ini", "multi.ini:a:b")));
        assertTrue(e.getMessage().contains("cannot read multi.ini:a:"), e.getMessage());
    }

    @Test
    void reReadingWithoutAPreviousFileIsAnError() {
        assertThrows(ConfigException.class, () -> fx.load(opt("ini", ":uwsgi")));
    }

    @Test
    void missingSectionIsAWarning() throws Exception {
        LoadResult r = fx.loadIni("e.ini", "[uwsgi] ; note\nemperor = /x\n");
        assertEquals(List.of(), r.config().monitors());
        assertEquals(List.of("*** WARNING: Can't find section \"uwsgi\" in INI configuration file e.ini ***"),
                r.warnings());
    }

    @Test
    void inheritIsAppendedAtTheEndAndNotExpanded() throws Exception {
        fx.write("tpl.ini", "[uwsgi]\n" + lines("emperor-freq = 9", "emperor = %n-$(X)-%(p)", "p = from-template"));
        LoadResult r = fx.load(env("X", "ex"), opt("inherit", "tpl.ini"), opt("emperor-freq", "4"),
                opt("set-ph", "p=ph"));
        assertEquals(9, r.config().freq());
        assertEquals(List.of("tpl-$(X)-%(p)"), r.config().monitors());
    }

    @Test
    void includeLoopIsStopped() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fx.loadIni("loop.ini", "[uwsgi]\ninclude = loop.ini\n"));
        assertTrue(e.getMessage().contains("nested more than"), e.getMessage());
    }

    @Test
    void inheritLoopIsStopped() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fx.loadIni("self.ini", "[uwsgi]\ninherit = self.ini\n"));
        assertTrue(e.getMessage().contains("does a file inherit itself?"), e.getMessage());
    }

    @Test
    void crlfFile() throws Exception {
        LoadResult r = fx.loadIni("crlf.ini", "[uwsgi]\r\nemperor = /a\r\nemperor-freq = 7\r\n");
        assertEquals(List.of("/a"), r.config().monitors());
        assertEquals(7, r.config().freq());
    }

    @Test
    void trailingPercentSwallowsTheNextLine() throws Exception {
        LoadResult r = fx.loadIni("p.ini", "[uwsgi]\n" + lines("a = 100%", "b = 2", "c = 3"));
        assertEquals("100b = 2", r.config().placeholders().get("a"));
        assertNull(r.config().placeholders().get("b"));
        assertEquals("3", r.config().placeholders().get("c"));
    }

    @Test
    void lineNumbersSurviveJoinedLines() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fx.loadIni("p.ini", "[uwsgi]\n" + lines("a = 100%", "b = 2", "zeus = 1")));
        assertEquals(4, e.line());
    }

    @Test
    void schemesAndStdinAreNotSupportedYet() {
        ConfigException e = assertThrows(ConfigException.class, () -> fx.load(opt("ini", "http://h/x.ini")));
        assertTrue(e.getMessage().contains("not supported yet"), e.getMessage());
        assertThrows(ConfigException.class, () -> fx.load(opt("ini", "-")));
    }

    @Test
    void inlineCommentsAndQuotesReachTheValue() throws Exception {
        LoadResult r = fx.loadIni("q.ini", "[uwsgi]\n" + lines("emperor = \"/a b\" ; comment", "emperor = /c # x"));
        assertEquals(List.of("\"/a b\" ; comment", "/c # x"), r.config().monitors());
    }

    @Test
    void duplicateKeysKeepTheirOrderAcrossFiles() throws Exception {
        fx.write("inc.ini", "[uwsgi]\nemperor = /2\nemperor-freq = 8\n");
        LoadResult r = fx.loadIni("m.ini", "[uwsgi]\n" + lines("emperor = /1", "emperor-freq = 5", "include = inc.ini",
                "emperor = /3"));
        assertEquals(List.of("/1", "/2", "/3"), r.config().monitors());
        assertEquals(8, r.config().freq());
        assertEquals("5", r.config().placeholders().get("emperor-freq"));
        assertFalse(r.warnings().stream().anyMatch(w -> w.contains("emperor")));
    }
}
