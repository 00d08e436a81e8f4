package dev.emperor.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import dev.emperor.log.EarlyLog;

/**
 * Loading config files into the option list: {@code ini = FILE[:SECTION]} ({@code
 * uwsgi_opt_load_ini}) and {@code include}/{@code inherit}/positional files ({@code uwsgi_opt_load},
 * loader chosen by extension; only ini is implemented). docs/uwsgi-compat.md, "INI lines", "Magic variables".
 */
final class ConfigFiles {

    /** Receives each option of a loaded file, in file order. */
    @FunctionalInterface
    interface Sink {
        void add(String key, String value, Origin origin) throws ConfigException;
    }

    /** uWSGI recurses until the stack or memory runs out on an include loop; this stops first. */
    static final int MAX_NESTING = 64;

    private static final EarlyLog LOG = EarlyLog.forClass(ConfigFiles.class); // logback may still be starting
    private static final List<String> OTHER_LOADERS = List.of(".xml", ".yaml", ".yml", ".json", ".js");

    private final Path cwd;
    private final MagicVars magic;
    private final Warnings warnings;
    private String lastIniFile;
    private int nesting;

    ConfigFiles(Path cwd, MagicVars magic, Warnings warnings) {
        this.cwd = cwd;
        this.magic = magic;
        this.warnings = warnings;
    }

    /**
     * {@code uwsgi_opt_load}: load by extension without touching the uppercase "first file" magic
     * variables. {@code FILE.ini:SECTION} does not end in {@code .ini}, so it is refused, like uWSGI.
     *
     * @param cause the {@code include}/{@code inherit} option (or positional file) asking for it
     */
    void load(String file, Entry cause, Sink sink) throws ConfigException {
        boolean saved = magic.firstRoundDone();
        magic.setFirstRoundDone(true);
        try {
            if (file.endsWith(".ini")) {
                loadIni(file, cause, sink);
                return;
            }
            for (String ext : OTHER_LOADERS) {
                if (file.endsWith(ext)) {
                    throw new ConfigException(cause.origin, cause.key,
                            "loading " + ext + " config files is not supported yet (only .ini): " + file);
                }
            }
            throw new ConfigException(cause.origin, cause.key, "unable to load configuration from " + file);
        } finally {
            magic.setFirstRoundDone(saved);
        }
    }

    /**
     * {@code uwsgi_opt_load_ini} + {@code uwsgi_ini_config}: the last ':' separates the section
     * (default {@code uwsgi}); a spec starting with ':' re-reads the last ini file; magic variables
     * are filled for the file and substituted in its raw text.
     */
    void loadIni(String spec, Entry cause, Sink sink) throws ConfigException {
        if (spec.equals("-") || Schemes.hasScheme(spec)) {
            throw new ConfigException(cause.origin, cause.key, "reading configuration from '"
                    + (spec.equals("-") ? "-" : Schemes.scheme(spec) + "://") + "' is not supported yet");
        }
        int colon = spec.lastIndexOf(':');
        String path = colon >= 0 ? spec.substring(0, colon) : spec;
        String section = colon >= 0 && colon + 1 < spec.length() ? spec.substring(colon + 1)
                : IniReader.DEFAULT_SECTION;
        if (colon == 0) {
            if (lastIniFile == null) {
                throw new ConfigException(cause.origin, cause.key,
                        "no ini file was loaded before, so '" + spec + "' has no file to re-read");
            }
            path = lastIniFile;
        }
        if (nesting >= MAX_NESTING) {
            throw new ConfigException(cause.origin, cause.key,
                    "config files nested more than " + MAX_NESTING + " deep (does a file include itself?)");
        }
        IniReader.Result result;
        Path file;
        try {
            file = cwd.resolve(path);
            magic.fill(spec);
            LOG.info("[emperor] getting INI configuration from " + path);
            result = IniReader.read(file, section, magic);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(cause.origin, cause.key, "cannot read " + path + ": " + Schemes.reason(e));
        }
        lastIniFile = path;
        String shown = file.toAbsolutePath().normalize().toString();
        nesting++;
        try {
            for (IniReader.Line line : result.options()) {
                sink.add(line.key(), line.value(), Origin.file(shown, line.line()));
            }
        } finally {
            nesting--;
        }
        if (!result.sectionFound()) {
            warnings.add("*** WARNING: Can't find section \"" + section + "\" in INI configuration file "
                    + path + " ***");
        }
    }
}
