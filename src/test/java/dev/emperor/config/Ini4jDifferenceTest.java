package dev.emperor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ini4j.Config;
import org.ini4j.Ini;
import org.ini4j.InvalidFileFormatException;
import org.ini4j.Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Why {@link IniReader} replaces ini4j: the same text through ini4j 0.5.4, configured as close to
 * uWSGI as it allows (no escapes, multi-options, empty options, case kept, no global section), and
 * through IniReader, which follows {@code core/ini.c}. Each test pins one difference (or, at the end,
 * one agreement) so a reader sees what a uWSGI config would lose with ini4j.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class Ini4jDifferenceTest {

    @TempDir
    Path tmp;

    private static Ini ini4j(String text) throws IOException {
        Config c = new Config();
        c.setEscape(false);
        c.setMultiOption(true);
        c.setMultiSection(true);
        c.setEmptyOption(true);
        c.setEmptySection(true);
        c.setLowerCaseOption(false);
        c.setLowerCaseSection(false);
        c.setGlobalSection(false);
        c.setInclude(false);
        c.setStrictOperator(false);
        Ini ini = new Ini();
        ini.setConfig(c);
        ini.load(new StringReader(text));
        return ini;
    }

    /** ini4j's view of section {@code name}: key=value pairs, grouped by key (its data model). */
    private static List<String> ini4jPairs(String text, String name) throws IOException {
        List<String> out = new ArrayList<>();
        Ini ini = ini4j(text);
        if (ini.containsKey(name)) {
            for (Profile.Section section : ini.getAll(name)) {
                for (String key : section.keySet()) {
                    for (String value : section.getAll(key)) {
                        out.add(key + "=" + value);
                    }
                }
            }
        }
        return out;
    }

    private static List<String> uwsgiPairs(String text, String section) {
        return IniReader.parse(text, section).options().stream().map(l -> l.key() + "=" + l.value()).toList();
    }

    @Test
    void commentAfterSectionHeader() {
        String text = "[uwsgi] ; main section\nemperor = /v\n";
        // ini4j refuses the file; uWSGI reads section "uwsgi] ; main sectio" and finds no [uwsgi]
        assertThrows(InvalidFileFormatException.class, () -> ini4j(text));
        assertFalse(IniReader.parse(text, "uwsgi").sectionFound());
        assertEquals(List.of("emperor=/v"), uwsgiPairs(text, "uwsgi] ; main sectio"));
    }

    @Test
    void backslashContinuation() throws IOException {
        String text = "[uwsgi]\nemperor = /a \\\n  /b\n";
        assertEquals(List.of("emperor=/a /b"), ini4jPairs(text, "uwsgi"));
        assertEquals(List.of("emperor=/a \\", "/b="), uwsgiPairs(text, "uwsgi"));
    }

    @Test
    void colonAsOperator() throws IOException {
        String text = "[uwsgi]\nemperor : /v\n";
        assertEquals(List.of("emperor=/v"), ini4jPairs(text, "uwsgi"));
        assertEquals(List.of("emperor : /v="), uwsgiPairs(text, "uwsgi"));
    }

    @Test
    void bareKeyValue() throws IOException {
        String text = "[uwsgi]\nmaster\n";
        assertEquals(List.of("master=null"), ini4jPairs(text, "uwsgi"));
        assertEquals(List.of("master="), uwsgiPairs(text, "uwsgi"));
    }

    @Test
    void interleavedDuplicateKeysLoseTheirOrder() throws IOException {
        String text = "[uwsgi]\nemperor = /1\nvassals-set = a=1\nemperor = /2\n";
        assertEquals(List.of("emperor=/1", "emperor=/2", "vassals-set=a=1"), ini4jPairs(text, "uwsgi"));
        assertEquals(List.of("emperor=/1", "vassals-set=a=1", "emperor=/2"), uwsgiPairs(text, "uwsgi"));
    }

    @Test
    void optionsBeforeTheFirstSection() {
        String text = "emperor = /outside\n[uwsgi]\nemperor = /v\n";
        assertThrows(InvalidFileFormatException.class, () -> ini4j(text));
        assertEquals(List.of("emperor=/v"), uwsgiPairs(text, "uwsgi"));
    }

    @Test
    void sectionNameIsTrimmedOnlyByIni4j() throws IOException {
        String text = "[ uwsgi ]\nemperor = /v\n";
        assertEquals(List.of("emperor=/v"), ini4jPairs(text, "uwsgi"));
        assertEquals(List.of(), uwsgiPairs(text, "uwsgi"));
    }

    @Test
    void unclosedSectionHeader() {
        String text = "[uwsgi\nemperor = /v\n";
        assertThrows(InvalidFileFormatException.class, () -> ini4j(text));
        assertEquals(List.of("emperor=/v"), uwsgiPairs(text, "uwsg"));
    }

    @Test
    void emptyKey() {
        String text = "[uwsgi]\n= v\n";
        assertThrows(InvalidFileFormatException.class, () -> ini4j(text));
        assertEquals(List.of("=v"), uwsgiPairs(text, "uwsgi"));
    }

    @Test
    void magicVariablesAreRawTextNotIni4jsBusiness() throws IOException {
        // a value ending in '%' swallows the next line in uWSGI; ini4j knows nothing of it
        String text = "[uwsgi]\na = 100%\nb = 2\n";
        assertEquals(List.of("a=100%", "b=2"), ini4jPairs(text, "uwsgi"));
        Path file = new ConfigFixture(tmp).write("m.ini", text);
        IniReader.Result r = IniReader.read(file, "uwsgi", new MagicVars(ConfigFixture.FACTS, tmp));
        assertEquals(List.of("a=100b = 2"), r.options().stream().map(l -> l.key() + "=" + l.value()).toList());
    }

    @Test
    void whereTheyAgree() throws IOException {
        // inline comments, quotes, backslashes, CRLF and keys with spaces happen to match
        String text = "[uwsgi]\r\na = abc ; c\r\nb = \"x\"\r\nc = C:\\x\r\nmy key = v\r\n";
        assertEquals(uwsgiPairs(text, "uwsgi"), ini4jPairs(text, "uwsgi"));
    }
}
