package dev.emperor.stats;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.PrettyPrinter;
import java.io.IOException;

/**
 * Reproduces the tab layout of uWSGI's {@code core/stats.c}: {@code {\n}, one key per line indented
 * with tabs, {@code "key":value} without a space, {@code ,\n} between entries, containers closed on
 * their own line. Scalar items of a list are written without indentation (uWSGI does so for the
 * top-level {@code emperor} list), object items are indented. An empty container renders as
 * {@code [\n\n<tabs>]} / {@code {\n\n<tabs>}}. No trailing newline.
 *
 * <p>Stateful (it counts the open containers): use one instance per document.
 */
final class UwsgiPrettyPrinter implements PrettyPrinter {

    private int level;

    private static void tabs(JsonGenerator g, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            g.writeRaw('\t');
        }
    }

    /** Objects and lists that are items of a list get the current indentation before the bracket. */
    private void indentIfListItem(JsonGenerator g) throws IOException {
        JsonStreamContext parent = g.getOutputContext().getParent();
        if (parent != null && parent.inArray()) {
            tabs(g, level);
        }
    }

    @Override
    public void writeRootValueSeparator(JsonGenerator g) throws IOException {
        g.writeRaw('\n');
    }

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
        indentIfListItem(g);
        g.writeRaw('{');
        level++;
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
        g.writeRaw('\n');
        tabs(g, level);
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
        g.writeRaw(':');
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
        g.writeRaw(",\n");
        tabs(g, level);
    }

    @Override
    public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
        level--;
        g.writeRaw(nrOfEntries == 0 ? "\n\n" : "\n");
        tabs(g, level);
        g.writeRaw('}');
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
        indentIfListItem(g);
        g.writeRaw('[');
        level++;
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) throws IOException {
        g.writeRaw('\n');
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
        g.writeRaw(",\n");
    }

    @Override
    public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
        level--;
        g.writeRaw(nrOfValues == 0 ? "\n\n" : "\n");
        tabs(g, level);
        g.writeRaw(']');
    }
}
