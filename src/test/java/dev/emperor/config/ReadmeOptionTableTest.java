package dev.emperor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * README's "Every uWSGI Emperor option" table covers every option of {@link EmperorOptionDefs} (2.0.21 Emperor
 * side, vassal side, master), under every name, with the status the code gives it, and no refusal, ignore or
 * difference without its reason (docs/uwsgi-compat.md, "Options").
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReadmeOptionTableTest {
    static final String HEADING = "### Every uWSGI Emperor option";
    static final Set<String> STATUSES = Set.of("supported", "supported, differs", "ignored", "refused",
            "being implemented");
    /**
     * Rows other branches are implementing now (hooks, Broodlord): "being implemented" is accepted for these
     * names only, and only while the code still refuses them.
     */
    /** Options being implemented on a branch, allowed a "being implemented" row meanwhile (none now). */
    static final Set<String> IN_PROGRESS = Set.of();

    record Row(String status, String notes, int line) {
    }

    static Path readme() {
        Path dir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        assertNotNull(dir, "no pom.xml above the working directory");
        return dir.resolve("README.md");
    }

    /** Option name → its row, from the table under {@link #HEADING}. */
    static Map<String, Row> table(List<String> lines) {
        int start = lines.indexOf(HEADING);
        assertTrue(start >= 0, "README has no '" + HEADING + "' section");
        Map<String, Row> rows = new LinkedHashMap<>();
        Pattern name = Pattern.compile("`([^`]+)`");
        boolean inTable = false;
        for (int i = start + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("#")) {
                break;
            }
            if (!l.startsWith("|")) {
                if (inTable) {
                    break;
                }
                continue;
            }
            inTable = true;
            String[] cells = l.split("\\|", -1);
            assertEquals(5, cells.length, "README:" + (i + 1) + ": three cells expected: " + l);
            String status = cells[2].trim();
            if (status.equals("status") || status.startsWith("---")) {
                continue;
            }
            assertTrue(STATUSES.contains(status), "README:" + (i + 1) + ": unknown status '" + status + "'");
            Matcher m = name.matcher(cells[1]);
            int found = 0;
            while (m.find()) {
                found++;
                Row before = rows.put(m.group(1), new Row(status, cells[3].trim(), i + 1));
                assertEquals(null, before, "README:" + (i + 1) + ": " + m.group(1) + " listed twice");
            }
            assertTrue(found > 0, "README:" + (i + 1) + ": no option name");
        }
        assertFalse(rows.isEmpty(), "the table under '" + HEADING + "' is empty");
        return rows;
    }

    static List<OptionDef> emperorOptions() {
        List<OptionDef> all = new ArrayList<>(EmperorOptionDefs.emperor());
        all.addAll(EmperorOptionDefs.vassalSide());
        all.addAll(EmperorOptionDefs.uwsgi21());
        return all;
    }

    static Map<String, Row> readmeTable() throws IOException {
        return table(Files.readAllLines(readme(), StandardCharsets.UTF_8));
    }

    @Test
    void everyOptionUnderEveryNameHasARowWithItsStatus() throws IOException {
        Map<String, Row> rows = readmeTable();
        List<String> problems = new ArrayList<>();
        for (OptionDef def : emperorOptions()) {
            for (String n : def.names()) {
                Row r = rows.get(n);
                if (r == null) {
                    problems.add(n + ": no row in README's option table");
                    continue;
                }
                boolean agrees = switch (def.status()) {
                    case SUPPORTED -> r.status().startsWith("supported");
                    case IGNORED -> r.status().equals("ignored");
                    case NOT_YET -> r.status().equals("refused")
                            || r.status().equals("being implemented") && IN_PROGRESS.contains(def.name());
                };
                if (!agrees) {
                    problems.add(n + ": README:" + r.line() + " says '" + r.status() + "', the code " + def.status());
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    @Test
    void everyRowNamesAnOptionOfTheTable() throws IOException {
        for (Map.Entry<String, Row> e : readmeTable().entrySet()) {
            OptionDef def = OptionTable.lookup(e.getKey());
            assertNotNull(def, "README:" + e.getValue().line() + ": '" + e.getKey() + "' is no option of this daemon");
            assertTrue(emperorOptions().contains(def), "README:" + e.getValue().line() + ": '" + e.getKey()
                    + "' is not an Emperor option (config/EmperorOptionDefs)");
        }
    }

    @Test
    void noRefusalIgnoreOrDifferenceWithoutItsReason() throws IOException {
        for (Map.Entry<String, Row> e : readmeTable().entrySet()) {
            Row r = e.getValue();
            if (!r.status().equals("supported")) {
                assertTrue(r.notes().length() > 10, "README:" + r.line() + ": " + e.getKey() + " is '" + r.status()
                        + "' without saying why or how");
            }
        }
    }

    @Test
    void everyRefusalInTheCodeNamesItsReasonUnlessBeingImplemented() {
        for (OptionDef def : emperorOptions()) {
            if (def.status() == OptionStatus.NOT_YET && !IN_PROGRESS.contains(def.name())) {
                String why = RefusalReasons.of(def);
                assertNotNull(why, def.name() + " is refused without a reason (config/RefusalReasons)");
                assertTrue(why.length() > 10, def.name());
            }
        }
    }

    @Test
    void theParserSeesAMissingRow() {
        List<String> text = List.of(HEADING, "", "| option | status | difference / reason |", "|---|---|---|",
                "| `emperor` | supported | |");
        Map<String, Row> rows = table(text);
        assertEquals(Set.of("emperor"), rows.keySet());
        assertFalse(rows.containsKey("emperor-freq"), "a missing option is missing");
    }
}
