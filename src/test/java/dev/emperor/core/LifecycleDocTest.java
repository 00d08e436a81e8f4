package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.source.VassalSource;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * docs/lifecycle.md against the code: its state table has exactly one column per
 * {@link VassalState}, and its rows are exactly the event methods of {@link Lifecycle} (public,
 * taking a vassal or a vassal file, returning nothing or the record) and the actions of
 * {@link Control.Action}. A new state, event or action without its column or row fails here, and
 * so does a row for one that no longer exists. The cells themselves are prose checked by review
 * and by the lifecycle unit tests, not by this test.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LifecycleDocTest {
    static final Pattern ROW_NAME = Pattern.compile("^`([A-Za-z_]+)`");

    static Path doc() {
        Path dir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docs/lifecycle.md"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("docs/lifecycle.md not found above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve("docs/lifecycle.md");
    }

    /** The markdown table that follows {@code heading}, as rows of trimmed cells (separator row dropped). */
    static List<List<String>> table(String heading) throws IOException {
        List<String> lines = Files.readAllLines(doc());
        int i = lines.indexOf(heading);
        assertTrue(i >= 0, "no heading \"" + heading + "\" in " + doc());
        while (i < lines.size() && !lines.get(i).startsWith("|")) {
            i++;
        }
        List<List<String>> rows = new ArrayList<>();
        for (; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String line = lines.get(i).strip();
            if (line.matches("\\|[-|\\s:]+\\|")) {
                continue;
            }
            List<String> cells = Arrays.stream(line.substring(1, line.length() - 1).split("\\|", -1))
                    .map(String::strip).collect(Collectors.toList());
            rows.add(cells);
        }
        assertFalse(rows.isEmpty(), "no table after \"" + heading + "\"");
        return rows;
    }

    static Set<String> states() {
        return Arrays.stream(VassalState.values()).map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The events the table answers: public methods of Lifecycle taking a Vassal or VassalSource, returning void or Vassal. */
    static Set<String> events() {
        Set<String> out = new TreeSet<>();
        for (Method m : Lifecycle.class.getDeclaredMethods()) {
            boolean takesVassal = Arrays.stream(m.getParameterTypes()).anyMatch(t -> t == Vassal.class || t == VassalSource.class);
            boolean answers = m.getReturnType() == void.class || m.getReturnType() == Vassal.class;
            if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && takesVassal && answers) {
                out.add(m.getName());
            }
        }
        return out;
    }

    @Test
    void everyStateIsAColumnOfTheTable() throws IOException {
        List<String> header = table("## The table").get(0);
        assertEquals("event", header.get(0));
        List<String> columns = header.subList(1, header.size());
        assertEquals(new LinkedHashSet<>(columns).size(), columns.size(), "a state twice: " + columns);
        assertEquals(states(), new TreeSet<>(columns), "columns of docs/lifecycle.md \"The table\" vs VassalState");
    }

    @Test
    void everyEventAndOperatorActionIsARowAndEveryRowStillExists() throws IOException {
        List<List<String>> rows = table("## The table");
        int width = rows.get(0).size();
        Set<String> named = new TreeSet<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            assertEquals(width, row.size(), "cells in row " + row.get(0));
            Matcher m = ROW_NAME.matcher(row.get(0));
            assertTrue(m.find(), "a row must start with a `name`: " + row.get(0));
            named.add(m.group(1));
        }
        Set<String> expected = new TreeSet<>(events());
        Arrays.stream(Control.Action.values()).map(Enum::name).forEach(expected::add);
        assertTrue(events().containsAll(Set.of("fileAppeared", "fileSeen", "fileGone", "pipeByte", "pipeEof", "reaped", "tick")),
                "the reflection finds the table's events: " + events());
        assertEquals(expected, named, "rows of docs/lifecycle.md \"The table\" vs Lifecycle's events and Control.Action");
    }

    @Test
    void everyStateIsDescribed() throws IOException {
        Set<String> described = new TreeSet<>();
        for (List<String> row : table("## States").subList(1, table("## States").size())) {
            Matcher m = ROW_NAME.matcher(row.get(0));
            assertTrue(m.find(), row.get(0));
            described.add(m.group(1));
        }
        assertEquals(states(), described, "rows of docs/lifecycle.md \"States\"");
    }

    @Test
    void everyStopReasonIsDescribed() throws IOException {
        Set<String> described = new TreeSet<>();
        List<List<String>> rows = table("## Stop reasons");
        for (List<String> row : rows.subList(1, rows.size())) {
            Matcher m = ROW_NAME.matcher(row.get(0));
            assertTrue(m.find(), row.get(0));
            described.add(m.group(1));
        }
        assertEquals(Arrays.stream(StopReason.values()).map(Enum::name).collect(Collectors.toCollection(TreeSet::new)), described);
    }
}
