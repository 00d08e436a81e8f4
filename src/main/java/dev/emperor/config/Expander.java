package dev.emperor.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The three expansion passes (docs/uwsgi-compat.md, "Expansion passes") ({@code core/utils.c: uwsgi_apply_config_pass}):
 * {@code $(ENV)}, then {@code @(file)}, then {@code %(placeholder)}, each run once over every
 * not-yet-applied option in list order.
 *
 * <p>The scan is uWSGI's, including its quirks: after each substitution the value is rescanned from
 * index 1, so references produced by a substitution are expanded too, except one that lands at
 * index 0. uWSGI loops forever on a self reference such as {@code a = x%(a)}; here every character
 * remembers how many substitutions produced it, and a reference nested deeper than
 * {@value #MAX_DEPTH} is a {@link ConfigException} instead.
 */
final class Expander {

    static final int MAX_DEPTH = 32;
    static final int MAX_LENGTH = 256 * 1024;
    static final int MAX_SUBSTITUTIONS = 10_000;

    /** One pass's lookup ({@code getenv}, {@code uwsgi_at_file_read}, {@code uwsgi_manage_placeholder}). */
    @FunctionalInterface
    private interface Hook {
        String lookup(String key, Entry entry) throws ConfigException;
    }

    private final List<Entry> entries;
    private final Map<String, String> environ;
    private final Path cwd;
    private final Map<String, Entry> firstByKey = new HashMap<>();
    private final Set<String> referenced = new HashSet<>();

    Expander(List<Entry> entries, Map<String, String> environ, Path cwd) {
        this.entries = entries;
        this.environ = environ;
        this.cwd = cwd;
        for (Entry e : entries) {
            firstByKey.putIfAbsent(e.key, e);
        }
    }

    /** Run {@code $}, {@code @} and {@code %} in that order. */
    void run() throws ConfigException {
        pass('$', (key, entry) -> environ.get(key));
        pass('@', (key, entry) -> readSource(key, entry));
        pass('%', (key, entry) -> PlaceholderMath.evaluate(key, this::optionValue));
    }

    /** Keys that some {@code %(...)} found: such unknown keys are placeholders, not typos. */
    Set<String> referencedKeys() {
        return referenced;
    }

    private String optionValue(String key) {
        Entry e = firstByKey.get(key);
        if (e == null) {
            return null;
        }
        referenced.add(key);
        return e.value;
    }

    private void pass(char symbol, Hook hook) throws ConfigException {
        for (Entry e : entries) {
            if (!e.configured && e.value != null) {
                expand(e, symbol, hook);
            }
        }
    }

    private void expand(Entry e, char symbol, Hook hook) throws ConfigException {
        StringBuilder v = new StringBuilder(e.value);
        int[] depth = new int[v.length()];
        int substitutions = 0;
        int hasSymbol = 0;
        int nested = 0;
        int keyStart = -1;
        for (int j = 0; j < v.length(); j++) {
            char c = v.charAt(j);
            if (c == symbol) {
                hasSymbol = 1;
            } else if (c == '(' && hasSymbol == 1) {
                hasSymbol = 2;
                nested = 0;
                keyStart = j + 1;
            } else if (hasSymbol > 1) {
                if (c == '(') {
                    hasSymbol++;
                    nested++;
                } else if (c == ')') {
                    if (nested > 0) {
                        hasSymbol++;
                        nested--;
                        continue;
                    }
                    int keyLength = hasSymbol - 2;
                    hasSymbol = 0;
                    if (keyLength == 0) {
                        continue;
                    }
                    String replacement = hook.lookup(v.substring(keyStart, keyStart + keyLength), e);
                    if (replacement == null) {
                        continue;
                    }
                    int refStart = keyStart - 2;
                    int refEnd = keyStart + keyLength + 1;
                    int level = depth[refStart] + 1;
                    int newLength = v.length() - (refEnd - refStart) + replacement.length();
                    if (level > MAX_DEPTH || ++substitutions > MAX_SUBSTITUTIONS || newLength > MAX_LENGTH) {
                        throw new ConfigException(e.origin, e.key, "recursive " + symbol + "(...) expansion: "
                                + "more than " + MAX_DEPTH + " levels, " + MAX_SUBSTITUTIONS + " substitutions or "
                                + MAX_LENGTH + " characters (does a placeholder refer to itself?)");
                    }
                    depth = spliceDepth(depth, refStart, refEnd, replacement.length(), level);
                    v.replace(refStart, refEnd, replacement);
                    e.value = v.toString(); // a self reference sees the value as rewritten so far, like uWSGI
                    j = 0; // uWSGI restarts at index 1: the loop's j++ does the same here
                } else {
                    hasSymbol++;
                }
            } else {
                hasSymbol = 0;
            }
        }
        e.value = v.toString();
    }

    private static int[] spliceDepth(int[] depth, int from, int to, int insertLength, int level) {
        int[] out = new int[depth.length - (to - from) + insertLength];
        System.arraycopy(depth, 0, out, 0, from);
        Arrays.fill(out, from, from + insertLength, level);
        System.arraycopy(depth, to, out, from + insertLength, depth.length - to);
        return out;
    }

    /**
     * {@code @(source)} ({@code uwsgi_at_file_read}): the file's content minus one trailing
     * {@code \n} or {@code \r}. Only plain paths; uWSGI's schemes (exec://, http://, ...) are refused.
     */
    private String readSource(String source, Entry e) throws ConfigException {
        if (Schemes.hasScheme(source) || source.equals("-")) {
            throw new ConfigException(e.origin, e.key, "@(" + source + "): reading from '"
                    + (source.equals("-") ? "-" : Schemes.scheme(source) + "://") + "' is not supported yet");
        }
        try {
            String text = IniReader.decode(Files.readAllBytes(cwd.resolve(source)));
            if (!text.isEmpty() && (text.endsWith("\n") || text.endsWith("\r"))) {
                text = text.substring(0, text.length() - 1);
            }
            return text;
        } catch (IOException | RuntimeException ex) {
            throw new ConfigException(e.origin, e.key, "@(" + source + "): cannot read file: " + Schemes.reason(ex));
        }
    }
}
