package dev.emperor.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class CommandLineTitleTest {

    private static String stat(String comm, long argStart, long argEnd) {
        StringBuilder b = new StringBuilder("4242 (" + comm + ") S");
        for (int field = 4; field <= 52; field++) {
            b.append(' ').append(field == 48 ? argStart : field == 49 ? argEnd : field);
        }
        return b.append('\n').toString();
    }

    @Test
    void argvAreaIsFields48And49CountedAfterTheLastParenthesis() {
        assertArrayEquals(new long[] {1000, 1050}, CommandLineTitle.argvArea(stat("java", 1000, 1050)));
        // a comm of "a) b (c" must not shift the fields
        assertArrayEquals(new long[] {7, 99}, CommandLineTitle.argvArea(stat("a) b (c", 7, 99)));
    }

    @Test
    void aHiddenOrMissingAreaIsNone() {
        assertNull(CommandLineTitle.argvArea(stat("java", 0, 0)));
        assertNull(CommandLineTitle.argvArea("4242 (java) S 1 2 3"));
        assertNull(CommandLineTitle.argvArea("garbage"));
    }
}
