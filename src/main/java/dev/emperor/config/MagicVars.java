package dev.emperor.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * uWSGI's magic-variable table (docs/uwsgi-compat.md, "Magic variables"): one table for the whole load, refilled each time a
 * config file is loaded ({@code core/uwsgi.c: config_magic_table_fill}), then applied to that file's
 * raw text ({@code core/utils.c: magic_sub}). Values not refilled keep the previous file's values,
 * exactly like the C global.
 */
final class MagicVars {

    private static final String FIRST_FILE_VARS = "odspcenxij";

    private final String[] table = new String[256];
    private final Path cwd;
    private final HostFacts facts;
    private boolean firstRoundDone;

    /** @param cwd the startup directory ({@code %v}); relative file specs resolve against it */
    MagicVars(HostFacts facts, Path cwd) {
        this.cwd = cwd;
        this.facts = facts;
        Arrays.fill(table, "");
        table['%'] = "%";
        table['('] = "%(";
        table['v'] = cwd.toString();
        table['h'] = facts.hostname();
        table['t'] = Long.toString(facts.startSeconds());
        table['T'] = Long.toString(facts.startMicros());
        table['V'] = facts.version();
        table['k'] = Integer.toString(facts.cores());
        table['['] = "\u001b";
        table['u'] = Long.toString(facts.uid());
        table['U'] = facts.user();
        table['g'] = Long.toString(facts.gid());
        table['G'] = null; // asked of NSS at its first use only (docs/platform-notes.md, "User names through NSS")
        table['b'] = facts.binary();
    }

    private String value(char c) {
        if (c == 'G' && table['G'] == null) {
            table['G'] = facts.group();
        }
        return table[c];
    }

    /**
     * When true, the uppercase "first file" variables are no longer filled. uWSGI sets it around
     * {@code include}, {@code inherit} and positional files ({@code uwsgi_opt_load}).
     */
    boolean firstRoundDone() {
        return firstRoundDone;
    }

    void setFirstRoundDone(boolean done) {
        firstRoundDone = done;
    }

    /**
     * Refill the per-file variables for {@code spec} = {@code PATH[:SECTION]} ({@code %o} is the spec
     * as given; a spec starting with ':' keeps the previous file's values).
     *
     * @throws IOException when the path cannot be resolved (uWSGI: "realpath() of X failed", exit 1)
     */
    void fill(String spec) throws IOException {
        table['o'] = spec;
        int colon = spec.lastIndexOf(':');
        if (colon != 0) {
            fillPath(colon > 0 ? spec.substring(0, colon) : spec);
        }
        table['x'] = colon >= 0 ? spec.substring(colon + 1) : "";
        if (!firstRoundDone) {
            for (char c : FIRST_FILE_VARS.toCharArray()) {
                table[Character.toUpperCase(c)] = table[c];
            }
            firstRoundDone = true;
        }
    }

    private void fillPath(String filename) throws IOException {
        Path given = cwd.resolve(filename);
        String full;
        if (Files.isSymbolicLink(given)) {
            // uWSGI keeps a symlink's own name (made absolute, not normalised) so %d is the link's directory
            full = filename.startsWith("/") ? filename : cwd + "/" + filename;
        } else {
            full = given.toRealPath().toString();
        }
        table['p'] = full;
        table['j'] = djb33xHex(full);
        try {
            Object inode = Files.getAttribute(Path.of(full), "unix:ino", LinkOption.NOFOLLOW_LINKS);
            table['i'] = inode.toString();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // uWSGI leaves %i untouched when lstat() fails
        }
        int slash = full.lastIndexOf('/');
        String name = full.substring(slash + 1);
        String dir = full.substring(0, slash + 1);
        table['s'] = name;
        table['d'] = dir;
        String bareDir = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
        int dirSlash = bareDir.lastIndexOf('/');
        table['c'] = dirSlash >= 0 ? bareDir.substring(dirSlash + 1) : "";
        for (char c = '0'; c <= '9'; c++) {
            table[c] = "";
        }
        char slot = '0';
        for (String part : bareDir.split("/")) {
            if (!part.isEmpty() && slot <= '9') {
                table[slot++] = part;
            }
        }
        int dot = name.lastIndexOf('.');
        table['e'] = dot >= 0 ? name.substring(dot + 1) : "";
        table['n'] = dot >= 0 ? name.substring(0, dot) : name;
    }

    /**
     * {@code core/hash.c: djb33x_hash} of the path bytes, printed as uWSGI does: the four bytes of
     * the 32-bit hash in memory order (little-endian), upper-case hex. C's {@code char} is signed, so
     * bytes ≥ 0x80 are XORed sign-extended; Java's {@code byte} behaves the same.
     */
    static String djb33xHex(String path) {
        int hash = 5381;
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            hash = ((hash << 5) + hash) ^ b;
        }
        return String.format("%02X%02X%02X%02X",
                hash & 0xff, (hash >>> 8) & 0xff, (hash >>> 16) & 0xff, (hash >>> 24) & 0xff);
    }

    /** Text after substitution plus, for each output line, the line of the original text it starts on. */
    record Substituted(String text, int[] lineStarts) {

        /** Original 1-based line number of output line {@code outputLine} (1-based). */
        int originalLine(int outputLine) {
            int i = Math.min(Math.max(outputLine, 1), lineStarts.length) - 1;
            return lineStarts[i];
        }
    }

    /**
     * {@code magic_sub}: every {@code %X} becomes the table entry for X — the empty string for any
     * unset X, including a newline (a value ending in '%' swallows the line break,
     * docs/uwsgi-compat.md, "Magic variables"). A '%' as the very last character stays.
     */
    Substituted substitute(String text) {
        StringBuilder out = new StringBuilder(text.length());
        IntList starts = new IntList();
        int line = 1;
        starts.add(line);
        int len = text.length();
        for (int i = 0; i < len; i++) {
            char ch = text.charAt(i);
            if (ch == '%' && i + 1 < len) {
                char next = text.charAt(i + 1);
                String value = next < 256 ? value(next) : "";
                i++;
                if (Character.isHighSurrogate(next) && i + 1 < len && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++; // one code point is one "character" for the purpose of %X
                }
                if (next == '\n') {
                    line++;
                }
                for (int k = 0; k < value.length(); k++) {
                    char v = value.charAt(k);
                    out.append(v);
                    if (v == '\n') {
                        starts.add(line);
                    }
                }
            } else {
                out.append(ch);
                if (ch == '\n') {
                    line++;
                    starts.add(line);
                }
            }
        }
        return new Substituted(out.toString(), starts.toArray());
    }

    /** Minimal growable int array, so line maps of big files do not box every number. */
    private static final class IntList {
        private int[] data = new int[16];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
