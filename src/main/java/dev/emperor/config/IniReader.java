package dev.emperor.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * uWSGI's ini line rules, exactly ({@code core/ini.c: uwsgi_ini_config}, docs/uwsgi-compat.md, "INI lines"):
 * <ul>
 * <li>the whole file is read and magic variables are substituted on the raw text first;</li>
 * <li>lines split on {@code \n}, trimmed of space, tab and {@code \r}; a NUL ends the line (C string);</li>
 * <li>{@code ;} or {@code #} first → comment; {@code [} first → section = the rest minus its last
 * character, whatever it is ({@code [uwsgi] ; x} is section {@code uwsgi] ; });</li>
 * <li>otherwise key = text before the first {@code =}, value = after it, both trimmed; no {@code =}
 * → empty value; no quotes, escapes, inline comments or continuation lines;</li>
 * <li>only lines of the requested section count, duplicates kept in order.</li>
 * </ul>
 * This is why ini4j is not used: see {@code Ini4jDifferenceTest}.
 */
public final class IniReader {

    /** Default section, used when a file spec has no {@code :SECTION}. */
    public static final String DEFAULT_SECTION = "uwsgi";

    /** Config files (and for-readline files) larger than this are refused. */
    static final int MAX_FILE_BYTES = 16 << 20;

    /** One option line of the requested section, with its 1-based line number. */
    public record Line(String key, String value, int line) {
    }

    /** The section's options in file order, and whether any line of the section was seen. */
    public record Result(List<Line> options, boolean sectionFound) {
    }

    private IniReader() {
    }

    /**
     * Apply the line rules to already-substituted text.
     *
     * @param section the section to keep (case-sensitive)
     */
    public static Result parse(String text, String section) {
        List<Line> out = new ArrayList<>();
        String current = "";
        boolean found = false;
        int lineNo = 0;
        int start = 0;
        int len = text.length();
        while (start < len) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? len : nl;
            lineNo++;
            String line = trim(cString(text.substring(start, end)));
            start = end + 1;
            if (line.isEmpty() || line.charAt(0) == ';' || line.charAt(0) == '#') {
                continue;
            }
            if (line.charAt(0) == '[') {
                current = line.substring(1, Math.max(1, line.length() - 1));
                continue;
            }
            if (!current.equals(section)) {
                continue;
            }
            found = true;
            int eq = line.indexOf('=');
            if (eq < 0) {
                out.add(new Line(line, "", lineNo));
            } else {
                out.add(new Line(trim(line.substring(0, eq)), trim(line.substring(eq + 1)), lineNo));
            }
        }
        return new Result(out, found);
    }

    /**
     * Read {@code file} whole, substitute the magic variables (already filled for this file) and parse.
     * Line numbers refer to the file as written, even where a trailing '%' joined two lines.
     */
    static Result read(Path file, String section, MagicVars magic) throws IOException {
        String text = decode(readBounded(file));
        MagicVars.Substituted sub = magic.substitute(text);
        Result raw = parse(sub.text(), section);
        List<Line> mapped = new ArrayList<>(raw.options().size());
        for (Line l : raw.options()) {
            mapped.add(new Line(l.key(), l.value(), sub.originalLine(l.line())));
        }
        return new Result(mapped, raw.sectionFound());
    }

    /**
     * The whole file, refused beyond {@value #MAX_FILE_BYTES} bytes. uWSGI has no limit; here
     * {@code ini = /dev/zero} (or a file growing without end) would read until the JVM dies with an
     * OutOfMemoryError. Reads up to the limit + 1, so a special file whose size says 0 is bounded too;
     * pipes (process substitution, {@code <(...)}) still work.
     */
    static byte[] readBounded(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new IOException("larger than " + (MAX_FILE_BYTES >> 20) + " MiB, not a config file");
            }
            return bytes;
        }
    }

    /**
     * UTF-8 when valid; otherwise Latin-1, which keeps every byte (uWSGI works on bytes and a
     * config in a legacy encoding must not fail to load).
     */
    static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    private static String cString(String s) {
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }

    /** {@code ini_lstrip}/{@code ini_rstrip}: only space, tab and CR (not Java's whitespace). */
    static String trim(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && isBlank(s.charAt(b))) {
            b++;
        }
        while (e > b && isBlank(s.charAt(e - 1))) {
            e--;
        }
        return s.substring(b, e);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
    }
}
