package dev.emperor.config;

/**
 * Where an option came from, kept so that every error and warning can point at the exact place:
 * a line of a config file, a {@code UWSGI_*} environment variable or the command line.
 *
 * @param file   absolute path of the config file, null when the option did not come from a file
 * @param line   1-based line number in {@code file} (0 when there is no file)
 * @param envVar name of the environment variable (docs/uwsgi-compat.md, "Pipeline"), null otherwise
 */
public record Origin(String file, int line, String envVar) {

    private static final Origin COMMAND_LINE = new Origin(null, 0, null);

    public static Origin commandLine() {
        return COMMAND_LINE;
    }

    public static Origin environment(String variable) {
        return new Origin(null, 0, variable);
    }

    public static Origin file(String file, int line) {
        return new Origin(file, line, null);
    }

    public boolean isCommandLine() {
        return file == null && envVar == null;
    }

    /** "/etc/emperor.ini:12", "environment variable UWSGI_X" or "command line" (error prefix). */
    public String describe() {
        if (file != null) {
            return file + ":" + line;
        }
        return envVar != null ? "environment variable " + envVar : "command line";
    }

    /** "in /etc/emperor.ini:12", "in environment variable UWSGI_X" or "on the command line". */
    public String where() {
        return isCommandLine() ? "on the command line" : "in " + describe();
    }
}
