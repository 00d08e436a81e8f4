package dev.emperor.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Main sources cite only the repository's own docs: no path outside the repo (the notes the code
 * was first written from are not in it), and every cited {@code docs/X.md} — and its section, when
 * one is quoted right after it — exists.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DocReferencesTest {
    /** Citations of files that are not in the repository. */
    static final Pattern OUTSIDE = Pattern.compile(
            "spec/\\S*\\.md|\\bspec §|\\bSpec/|\\.\\./shared|/work/shared|jvm-native-facts|shared notes"
            + "|emperor-lifecycle\\.md|emperor-protocol\\.md|emperor-options\\.md|imperial-monitors\\.md|ini-dialect"
            + "|\\b(?:lifecycle|imperial-monitors|protocol doc|protocol spec) §|\\bspec (?:UNSAFE|BUG)\\b|\\bissue \"");
    /** {@code docs/NAME.md}, optionally followed by {@code , "Section"}. */
    static final Pattern DOC = Pattern.compile("docs/([A-Za-z0-9_.-]+\\.md)(?:,\\s*(?:\\*\\s*)?\"([^\"]+)\")?");

    @Test
    void mainSourcesCiteNothingOutsideTheRepo() {
        List<String> found = new ArrayList<>();
        for (Path p : RepoFiles.mainSources()) {
            String[] lines = RepoFiles.read(p).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher m = OUTSIDE.matcher(lines[i]);
                if (m.find()) {
                    found.add(RepoFiles.root().relativize(p) + ":" + (i + 1) + ": " + m.group() + "  | " + lines[i].strip());
                }
            }
        }
        assertEquals(List.of(), found, "cite a page under docs/ instead");
    }

    @Test
    void everyCitedDocAndSectionExists() {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path p : RepoFiles.mainSources()) {
            // a citation may wrap: join comment lines so `docs/x.md,\n * "Section"` is one citation
            String text = RepoFiles.read(p).replaceAll("\n\\s*\\*\\s?", " ");
            Matcher m = DOC.matcher(text);
            while (m.find()) {
                checked++;
                String problem = problem(m.group(1), m.group(2));
                if (problem != null) {
                    broken.add(RepoFiles.root().relativize(p) + ": " + m.group() + ": " + problem);
                }
            }
        }
        assertEquals(List.of(), broken);
        assertTrue(checked >= 40, "only " + checked + " docs/ citations found: is the scan looking at the sources?");
    }

    @Test
    void theRulesCatchWhatTheyAreFor() {
        assertTrue(OUTSIDE.matcher("see spec §14 steps 2-6").find());
        assertTrue(OUTSIDE.matcher("(spec/emperor-protocol.md §1d)").find());
        assertTrue(OUTSIDE.matcher("(ini-dialect §5)").find());
        assertTrue(OUTSIDE.matcher("notes in ../shared/notes").find());
        assertTrue(OUTSIDE.matcher("(issue \"Fork-server mode\")").find());
        assertFalse(OUTSIDE.matcher("(docs/uwsgi-compat.md, \"Spawn recipe\")").find());
        assertEquals("no such file docs/nope.md", problem("nope.md", null));
        assertEquals("no section \"Nope\" in docs/lifecycle.md", problem("lifecycle.md", "Nope"));
        assertEquals(null, problem("lifecycle.md", "The table"));
    }

    static String problem(String doc, String section) {
        Path file = RepoFiles.root().resolve("docs").resolve(doc);
        if (!Files.isRegularFile(file)) {
            return "no such file docs/" + doc;
        }
        if (section == null) {
            return null;
        }
        for (String line : RepoFiles.read(file).split("\n")) {
            if (line.startsWith("#") && line.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT)
                    .equals(section.toLowerCase(Locale.ROOT))) {
                return null;
            }
        }
        return "no section \"" + section + "\" in docs/" + doc;
    }
}
