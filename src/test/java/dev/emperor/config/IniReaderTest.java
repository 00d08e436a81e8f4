package dev.emperor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The line rules of ini-dialect §2, one GOTCHA per test. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class IniReaderTest {

    private static List<String> pairs(String text) {
        return pairs(text, "uwsgi");
    }

    private static List<String> pairs(String text, String section) {
        return IniReader.parse(text, section).options().stream().map(l -> l.key() + "=" + l.value()).toList();
    }

    @Test
    void keyAndValueAreTrimmedAroundTheFirstEquals() {
        assertEquals(List.of("a=b = c"), pairs("[uwsgi]\n  a   =  b = c  \n"));
    }

    @Test
    void sectionNameIsTheRestMinusTheLastCharacter() {
        // GOTCHA: "[uwsgi] ; note" is section "uwsgi] ; not", so the wanted section is never found
        IniReader.Result r = IniReader.parse("[uwsgi] ; note\na = 1\n", "uwsgi");
        assertFalse(r.sectionFound());
        assertEquals(List.of("a=1"), pairs("[uwsgi] ; note\na = 1\n", "uwsgi] ; not"));
        assertEquals(List.of("a=1"), pairs("[uwsgi\na = 1\n", "uwsg"));
        assertEquals(List.of("a=1"), pairs("[]\na = 1\n", ""));
        assertEquals(List.of("a=1"), pairs("[\na = 1\n", ""));
    }

    @Test
    void sectionNameIsNotTrimmedInside() {
        assertFalse(IniReader.parse("[ uwsgi ]\na = 1\n", "uwsgi").sectionFound());
        assertEquals(List.of("a=1"), pairs("[ uwsgi ]\na = 1\n", " uwsgi "));
    }

    @Test
    void onlyWholeLineCommentsNoInlineComments() {
        assertEquals(List.of("a=abc ; c", "b=x # y"), pairs("[uwsgi]\n; c1\n# c2\n  ;c3\na = abc ; c\nb = x # y\n"));
    }

    @Test
    void quotesAndBackslashesAreKept() {
        assertEquals(List.of("a=\"x\"", "b='y'", "c=C:\\\\x\\ty"),
                pairs("[uwsgi]\na = \"x\"\nb = 'y'\nc = C:\\\\x\\ty\n"));
    }

    @Test
    void noLineContinuation() {
        assertEquals(List.of("a=x \\", "y="), pairs("[uwsgi]\na = x \\\n  y\n"));
    }

    @Test
    void keysMayContainSpacesAndAreCaseSensitive() {
        assertEquals(List.of("my key=v", "Master="), pairs("[uwsgi]\nmy key = v\nMaster\n"));
    }

    @Test
    void lineWithoutEqualsHasEmptyValue() {
        assertEquals(List.of("master=", "emperor-nofollow="), pairs("[uwsgi]\nmaster\nemperor-nofollow =\n"));
    }

    @Test
    void colonIsNotAnOperator() {
        assertEquals(List.of("a : 1="), pairs("[uwsgi]\na : 1\n"));
    }

    @Test
    void emptyKeyIsKept() {
        assertEquals(List.of("=v"), pairs("[uwsgi]\n= v\n"));
    }

    @Test
    void crlfLinesWork() {
        assertEquals(List.of("a=1", "b=2"), pairs("[uwsgi]\r\na = 1\r\nb = 2\r\n"));
    }

    @Test
    void onlySpaceTabAndCarriageReturnAreTrimmed() {
        assertEquals(List.of("a=1\f"), pairs("[uwsgi]\n\ta = 1\f\t\r\n"));
    }

    @Test
    void duplicatesAreKeptInOrderAcrossKeys() {
        assertEquals(List.of("a=1", "b=2", "a=3"), pairs("[uwsgi]\na = 1\nb = 2\na = 3\n"));
    }

    @Test
    void onlyTheRequestedSectionCountsAndItMayRepeat() {
        String text = "top = 0\n[other]\nx = 1\n[uwsgi]\na = 1\n[other]\ny = 2\n[uwsgi]\nb = 2\n";
        assertEquals(List.of("a=1", "b=2"), pairs(text));
        assertEquals(List.of("x=1", "y=2"), pairs(text, "other"));
        assertEquals(List.of(), pairs(text, "Uwsgi"));
    }

    @Test
    void missingFinalNewlineAndEmptyText() {
        assertEquals(List.of("a=1"), pairs("[uwsgi]\na = 1"));
        IniReader.Result empty = IniReader.parse("", "uwsgi");
        assertTrue(empty.options().isEmpty());
        assertFalse(empty.sectionFound());
    }

    @Test
    void sectionWithoutOptionsIsNotFound() {
        // uWSGI sets got_section only when an option line of the section is seen
        assertFalse(IniReader.parse("[uwsgi]\n; nothing\n", "uwsgi").sectionFound());
    }

    @Test
    void nulEndsTheLineLikeACString() {
        assertEquals(List.of("a=b", "c=d"), pairs("[uwsgi]\na = b\0junk\nc = d\n"));
    }

    @Test
    void lineNumbersCountEveryLine() {
        List<IniReader.Line> lines = IniReader.parse("; c\n[uwsgi]\n\na = 1\n[x]\nq = 0\n[uwsgi]\nb = 2\n", "uwsgi")
                .options();
        assertEquals(4, lines.get(0).line());
        assertEquals(8, lines.get(1).line());
    }

    @Test
    void valueKeepsInnerWhitespace() {
        assertEquals(List.of("a=x \t y"), pairs("[uwsgi]\na =\t x \t y \t\n"));
    }
}
