package dev.emperor.config;

/**
 * One option as given to {@link ConfigLoader}, before any file is read or any value expanded.
 * The command line produces these in argv order.
 *
 * @param key   option name without dashes, e.g. {@code emperor-freq}
 * @param value the value; {@code ""} for a flag given without value (booleans: true)
 * @param file  the file it came from, null for the command line
 * @param line  1-based line in {@code file}, 0 for the command line
 */
public record RawOption(String key, String value, String file, int line) {

    public RawOption {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        if (value == null) {
            value = "";
        }
    }

    /** A command-line option. */
    public static RawOption of(String key, String value) {
        return new RawOption(key, value, null, 0);
    }

    Origin origin() {
        return file == null ? Origin.commandLine() : Origin.file(file, line);
    }
}
