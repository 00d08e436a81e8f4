package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * docs/lifecycle.md, "Who writes a state": no main source file but core/Transitions assigns a
 * vassal's {@code state} or {@code spawnAt}. The sibling row classes decide and return; the table
 * carries out. A write anywhere else is a transition behind the table's back.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StateWritesTest {
    static final Pattern WRITE = Pattern.compile("\\.(state|spawnAt)\\s*(=(?!=)|\\+=|-=|\\+\\+|--)");

    @Test
    void onlyTransitionsWritesStateOrSpawnAt() throws IOException {
        Path main = LifecycleDocTest.doc().getParent().getParent().resolve("src/main/java");
        List<String> writes = new ArrayList<>();
        int transitionsWrites = 0;
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (WRITE.matcher(lines.get(i)).find()) {
                        if (f.getFileName().toString().equals("Transitions.java")) {
                            transitionsWrites++;
                        } else {
                            writes.add(main.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                        }
                    }
                }
            }
        }
        assertTrue(transitionsWrites > 5, "the pattern finds Transitions' own writes: " + transitionsWrites);
        assertEquals(List.of(), writes, "state/spawnAt written outside core/Transitions");
    }
}
