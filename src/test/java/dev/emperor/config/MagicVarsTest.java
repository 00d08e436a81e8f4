package dev.emperor.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ini-dialect §4: the magic-variable table and {@code magic_sub}. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MagicVarsTest {

    @TempDir
    Path tmp;

    private MagicVars filled(String spec) throws IOException {
        MagicVars m = new MagicVars(ConfigFixture.FACTS, tmp);
        m.fill(spec);
        return m;
    }

    private static String sub(MagicVars m, String text) {
        return m.substitute(text).text();
    }

    @Test
    void perFileVariables() throws IOException {
        Path file = new ConfigFixture(tmp).write("srv/demo/ini/main.ini", "");
        Path real = file.toRealPath();
        MagicVars m = filled("srv/demo/ini/main.ini:sect");
        assertEquals("srv/demo/ini/main.ini:sect", m.substitute("%o").text());
        assertEquals(real.toString(), m.substitute("%p").text());
        assertEquals("main.ini", m.substitute("%s").text());
        assertEquals(real.getParent() + "/", m.substitute("%d").text());
        assertEquals("ini", m.substitute("%e").text());
        assertEquals("main", m.substitute("%n").text());
        assertEquals("ini", m.substitute("%c").text());
        assertEquals("sect", m.substitute("%x").text());
        assertEquals(Files.getAttribute(real, "unix:ino", LinkOption.NOFOLLOW_LINKS).toString(), m.substitute("%i").text());
        String[] parts = real.getParent().toString().substring(1).split("/");
        assertEquals(parts[0], m.substitute("%0").text());
        assertEquals(parts.length > 1 ? parts[1] : "", m.substitute("%1").text());
        assertEquals(MagicVars.djb33xHex(real.toString()), m.substitute("%j").text());
    }

    @Test
    void processVariables() throws IOException {
        MagicVars m = new MagicVars(ConfigFixture.FACTS, tmp);
        assertEquals(tmp + "|testhost|9.9.9|4|1000|alice|100|staff|/usr/bin/uwsgi|1700000000|1700000000123456|\u001b",
                sub(m, "%v|%h|%V|%k|%u|%U|%g|%G|%b|%t|%T|%["));
    }

    @Test
    void djb33xMatchesUwsgi() {
        // ini-dialect §4: uWSGI 2.0.21 printed 79AB0472 for the file whose %0/%1 were tmp/espec.ONBBop,
        // i.e. /tmp/espec.ONBBop/ini/main.ini (the /srv/demo path in that table is illustrative)
        assertEquals("79AB0472", MagicVars.djb33xHex("/tmp/espec.ONBBop/ini/main.ini"));
        // bytes >= 0x80 are XORed sign-extended, as C's signed char does
        assertEquals(8, MagicVars.djb33xHex("/tmp/é.ini").length());
    }

    @Test
    void percentPercentAndPercentParenthesis() throws IOException {
        MagicVars m = filled(writeAndSpec("a.ini"));
        assertEquals("100% and %(x) and %(", sub(m, "100%% and %(x) and %("));
    }

    @Test
    void anyOtherPercentCharBecomesEmpty() {
        MagicVars m = new MagicVars(ConfigFixture.FACTS, tmp);
        assertEquals("[] [] []", sub(m, "[%z] [%Q] [%é]"));
    }

    @Test
    void percentAtEndOfLineSwallowsTheLineBreak() {
        MagicVars m = new MagicVars(ConfigFixture.FACTS, tmp);
        MagicVars.Substituted s = m.substitute("[uwsgi]\na = 100%\nb = 2\nc = 3\n");
        assertEquals("[uwsgi]\na = 100b = 2\nc = 3\n", s.text());
        // the joined line starts on original line 2; "c" is still reported on its real line 4
        assertArrayEquals(new int[] {1, 2, 4, 5}, s.lineStarts());
    }

    @Test
    void percentAsLastCharacterOfTheTextStays() {
        assertEquals("a = 100%", sub(new MagicVars(ConfigFixture.FACTS, tmp), "a = 100%"));
    }

    @Test
    void uppercaseVariantsKeepTheFirstFile() throws IOException {
        new ConfigFixture(tmp).write("first.ini", "");
        new ConfigFixture(tmp).write("sub/second.ini", "");
        MagicVars m = new MagicVars(ConfigFixture.FACTS, tmp);
        m.fill("first.ini");
        m.fill("sub/second.ini");
        assertEquals("first|second|first.ini|sub/second.ini", sub(m, "%N|%n|%O|%o"));
    }

    @Test
    void noUppercaseVariantsWhileFirstRoundIsSuppressed() throws IOException {
        new ConfigFixture(tmp).write("inc.ini", "");
        new ConfigFixture(tmp).write("main.ini", "");
        MagicVars m = new MagicVars(ConfigFixture.FACTS, tmp);
        m.setFirstRoundDone(true); // include/inherit/positional
        m.fill("inc.ini");
        m.setFirstRoundDone(false);
        assertEquals("", sub(m, "%N"));
        m.fill("main.ini");
        assertEquals("main", sub(m, "%N"));
    }

    @Test
    void symlinkKeepsItsOwnPathUnresolved() throws IOException {
        Path target = new ConfigFixture(tmp).write("real/app.ini", "");
        Files.createDirectories(tmp.resolve("links"));
        Files.createSymbolicLink(tmp.resolve("links/app.ini"), target);
        MagicVars m = filled("links/app.ini");
        assertEquals(tmp + "/links/app.ini", m.substitute("%p").text());
        assertEquals("links", m.substitute("%c").text());
    }

    @Test
    void sectionOnlySpecKeepsThePreviousFile() throws IOException {
        new ConfigFixture(tmp).write("main.ini", "");
        MagicVars m = filled("main.ini");
        m.fill(":other");
        assertEquals("main|other|:other", sub(m, "%n|%x|%o"));
    }

    @Test
    void fileWithoutExtension() throws IOException {
        new ConfigFixture(tmp).write("conf", "");
        MagicVars m = filled("conf");
        assertEquals("conf||conf", sub(m, "%n|%e|%s"));
    }

    @Test
    void missingFileFailsLikeRealpath() {
        MagicVars m = new MagicVars(ConfigFixture.FACTS, tmp);
        assertThrows(IOException.class, () -> m.fill("nope.ini"));
    }

    private String writeAndSpec(String name) throws IOException {
        new ConfigFixture(tmp).write(name, "");
        return name;
    }
}
