package dev.emperor.config;

import static dev.emperor.config.ConfigFixture.env;
import static dev.emperor.config.ConfigFixture.lines;
import static dev.emperor.config.ConfigFixture.opt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ini-dialect §5: the {@code $()}, {@code @()}, {@code %()} passes, observed through placeholders. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ExpansionTest {

    @TempDir
    Path tmp;
    ConfigFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ConfigFixture(tmp);
    }

    private Map<String, String> values(String... iniLines) throws IOException, ConfigException {
        return fx.loadIni("e.ini", "[uwsgi]\n" + lines(iniLines)).config().placeholders();
    }

    @Test
    void placeholderLookupTakesTheFirstOccurrence() throws Exception {
        Map<String, String> v = values("a = 1", "b = %(a)", "a = 2", "c = %(a)");
        assertEquals("1", v.get("b"));
        assertEquals("1", v.get("c"));
    }

    @Test
    void unknownPlaceholderStaysLiteral() throws Exception {
        assertEquals("x%(nope)y", values("a = x%(nope)y").get("a"));
    }

    @Test
    void referencesProducedBySubstitutionAreExpandedExceptAtIndexZero() throws Exception {
        Map<String, String> v = values("f = pre-%(g)", "g = %(h)", "h = deep", "b = %(c)", "c = %(d)", "d = deep");
        assertEquals("pre-deep", v.get("f"));
        assertEquals("%(d)", v.get("b"));
    }

    @Test
    void selfReferenceAtTheStartStaysLiteral() throws Exception {
        assertEquals("%(a)", values("a = %(a)").get("a"));
    }

    @Test
    void selfReferenceIsAnErrorInsteadOfAnEndlessLoop() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> values("x = 1", "a = x%(a)"));
        assertEquals(tmp.resolve("e.ini").toString(), e.file());
        assertEquals(3, e.line());
        assertEquals("a", e.option());
        assertTrue(e.getMessage().startsWith(tmp.resolve("e.ini") + ":3: option 'a': recursive %(...) expansion"),
                e.getMessage());
    }

    @Test
    void mutualReferenceIsAnErrorToo() {
        assertThrows(ConfigException.class, () -> values("a = x%(b)", "b = y%(a)"));
    }

    @Test
    void nestedReferenceResolvesInnerFirst() throws Exception {
        Map<String, String> v = values("n = b", "ab = v", "r = x%(a%(n))", "s = %(a%(n))");
        assertEquals("xv", v.get("r"));
        assertEquals("%(ab)", v.get("s")); // the outer reference ends up at index 0: not rescanned
    }

    @Test
    void emptyReferenceAndUnclosedReferenceStay() throws Exception {
        Map<String, String> v = values("a = %()", "b = %(x", "c = %x)");
        assertEquals("%()", v.get("a"));
        assertEquals("%(x", v.get("b"));
    }

    @Test
    void placeholderMath() throws Exception {
        Map<String, String> v = values("base = 10", "sum = %(base + 5)", "cat = %(base base)", "sub = %(base - 3)",
                "mul = %(base * 3)", "div = %(base / 3)", "zero = %(base / 0)", "inc = %(base ++)",
                "dec = %(base --)", "unk = %(nope + 2)", "mix = %(base ++ 7)", "spaces = %(base  +  1)");
        assertEquals("15", v.get("sum"));
        assertEquals("1010", v.get("cat"));
        assertEquals("7", v.get("sub"));
        assertEquals("30", v.get("mul"));
        assertEquals("3", v.get("div"));
        assertEquals("0", v.get("zero"));
        assertEquals("11", v.get("inc"));
        assertEquals("9", v.get("dec"));
        assertEquals("2", v.get("unk"));
        assertEquals("117", v.get("mix"));
        assertEquals("11", v.get("spaces"));
    }

    @Test
    void environmentPass() throws Exception {
        fx.write("e.ini", "[uwsgi]\n" + lines("a = $(HOME_DIR)/x", "b = $(MISSING)", "c = %(a)"));
        Map<String, String> v = fx.load(env("HOME_DIR", "/home/u"), opt("ini", "e.ini")).config().placeholders();
        assertEquals("/home/u/x", v.get("a"));
        assertEquals("$(MISSING)", v.get("b"));
        assertEquals("/home/u/x", v.get("c"));
    }

    @Test
    void eachPassRunsOnceInOrder() throws Exception {
        // %(bar) yields $(HOME) after the $ pass is over: it stays literal (verified)
        fx.write("e.ini", "[uwsgi]\n" + lines("foo = %(bar)", "bar = $$(HOME)", "baz = x"));
        fx.write("e2.ini", "[uwsgi]\n" + lines("foo = %(bar)", "set-ph = bar=$(HOME)"));
        Map<String, String> v = fx.load(env("HOME", "/h"), opt("ini", "e2.ini")).config().placeholders();
        assertEquals("$(HOME)", v.get("foo"));
    }

    @Test
    void fileSourcePass() throws Exception {
        fx.write("secret.txt", "s3cret\n\n");
        fx.write("one.txt", "line\r");
        Map<String, String> v = values("a = <@(secret.txt)>", "b = @(one.txt)");
        assertEquals("<s3cret\n>", v.get("a"));
        assertEquals("line", v.get("b"));
    }

    @Test
    void missingFileSourceIsAnErrorNamingTheLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> values("a = 1", "b = @(nope.txt)"));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("nope.txt"), e.getMessage());
    }

    @Test
    void schemeSourcesAreNotSupportedYet() {
        ConfigException e = assertThrows(ConfigException.class, () -> values("a = @(exec://echo hi)"));
        assertTrue(e.getMessage().contains("not supported yet"), e.getMessage());
    }

    @Test
    void commandLineValuesGetThePassesButNoMagic() throws Exception {
        LoadResult r = fx.load(env("X", "ex"), opt("set", "base=/b"), opt("emperor", "%(base)/$(X)/%n"));
        assertEquals(List.of("/b/ex/%n"), r.config().monitors());
    }

    @Test
    void passesSkipAppliedOptions() throws Exception {
        // set-ph entries are applied at once: their value is stored literally (verified)
        fx.write("e.ini", "[uwsgi]\n" + lines("set-ph = p=$(HOME)", "q = %(p)"));
        Map<String, String> v = fx.load(env("HOME", "/h"), opt("ini", "e.ini")).config().placeholders();
        assertEquals("$(HOME)", v.get("p"));
        assertEquals("$(HOME)", v.get("q"));
    }

    @Test
    void mathHelpers() {
        assertEquals(42L, PlaceholderMath.strtoll("  42abc"));
        assertEquals(-7L, PlaceholderMath.strtoll("-7"));
        assertEquals(0L, PlaceholderMath.strtoll("abc"));
        assertEquals(Long.MAX_VALUE, PlaceholderMath.strtoll("99999999999999999999999"));
        assertEquals(Long.MIN_VALUE, PlaceholderMath.strtoll("-99999999999999999999999"));
        assertEquals(null, PlaceholderMath.evaluate("+ -", k -> null));
    }
}
