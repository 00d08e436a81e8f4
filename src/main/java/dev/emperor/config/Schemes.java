package dev.emperor.config;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.regex.Pattern;

/** Recognising uWSGI's {@code scheme://} sources and turning I/O failures into short reasons. */
final class Schemes {

    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9_+.-]*)://");

    private Schemes() {
    }

    /** True for {@code exec://x}, {@code http://h/x}, {@code pg://...}: anything {@code name://}. */
    static boolean hasScheme(String value) {
        return SCHEME.matcher(value).find();
    }

    /** The scheme name of a value for which {@link #hasScheme} is true. */
    static String scheme(String value) {
        var m = SCHEME.matcher(value);
        return m.find() ? m.group(1) : "";
    }

    /** "No such file or directory"-style text for an exception from file access. */
    static String reason(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
