package dev.emperor.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The whole configuration pipeline (docs/uwsgi-compat.md, "Pipeline"; {@code core/uwsgi.c: uwsgi_setup}):
 * {@code UWSGI_*} environment variables, then the command line in order (files load in place), then
 * the {@code $()}, {@code @()}, {@code %()} passes, then application in list order
 * ({@code inherit} files last), then defaults.
 */
public final class ConfigLoader {

    /** Environment variables that are uWSGI's own plumbing, not options ({@code parse_sys_envs}). */
    static final Set<String> RESERVED_ENV = Set.of("UWSGI_RELOADS", "UWSGI_VASSALS_DIR", "UWSGI_EMPEROR_FD",
            "UWSGI_BROODLORD_NUM", "UWSGI_EMPEROR_FD_CONFIG", "UWSGI_EMPEROR_PROXY", "UWSGI_JAIL_PID",
            "UWSGI_ORIGINAL_PROC_NAME");

    private ConfigLoader() {
    }

    /**
     * Load with the facts of the running process.
     *
     * @param commandLine options in argv order, positional files already turned into
     *                    {@code include} options by the command-line parser
     * @param environ     the process environment ({@code UWSGI_*} options, {@code $(VAR)}, {@code if-env})
     * @param cwd         the startup directory (absolute); relative paths resolve against it, it is {@code %v}
     * @throws ConfigException for anything uWSGI would exit on, and for options not supported yet
     */
    public static LoadResult load(List<RawOption> commandLine, Map<String, String> environ, Path cwd)
            throws ConfigException {
        return load(commandLine, environ, cwd, HostFacts.current());
    }

    /** As {@link #load(List, Map, Path)} with given host facts (for the magic variables). */
    public static LoadResult load(List<RawOption> commandLine, Map<String, String> environ, Path cwd,
                                  HostFacts facts) throws ConfigException {
        Path dir = cwd.toAbsolutePath().normalize();
        Warnings warnings = new Warnings();
        OptionCollector collector = new OptionCollector(environ, dir, facts, warnings);

        // sorted for determinism: the C environ order is not observable through a Map
        for (Map.Entry<String, String> env : new TreeMap<>(environ).entrySet()) {
            String name = env.getKey();
            // UWSGI_VASSAL_X is meant for the vassals (rewritten to UWSGI_X in their environment), not an
            // option of the Emperor: reading it as 'vassal-x' only produced a misleading "ignoring" warning
            if (name.startsWith("UWSGI_") && !name.startsWith("UWSGI_VASSAL_") && !RESERVED_ENV.contains(name)) {
                collector.add(envToOption(name), env.getValue(), Origin.environment(name));
            }
        }
        for (RawOption raw : commandLine) {
            if (raw.file() == null && OptionTable.lookup(raw.key()) == null) {
                throw new ConfigException(Origin.commandLine(), raw.key(),
                        "unrecognized option '--" + raw.key() + "'" + Warnings.didYouMean(raw.key()));
            }
            collector.add(raw.key(), raw.value(), raw.origin());
        }

        Expander expander = new Expander(collector.entries(), environ, dir);
        expander.run();
        List<Entry> unknown = collector.configure();
        reportUnknown(collector, unknown, expander.referencedKeys(), warnings);

        Map<String, String> placeholders = new LinkedHashMap<>();
        for (Entry e : collector.entries()) {
            placeholders.putIfAbsent(e.key, e.value);
        }
        TypedOptions typed = collector.typed();
        return new LoadResult(typed.build(placeholders, dir), warnings.list(), typed.bool("stats-http"),
                typed.bool("stats-minified"), typed.bool("imperial-monitor-list"),
                new LoadResult.PidFiles(typed.string("pidfile"), typed.string("pidfile2"), typed.bool("vacuum")),
                typed.bool("early-emperor"), typed.processCaps());
    }

    /**
     * Unknown keys are uWSGI placeholders. With {@code strict} they are fatal; otherwise each
     * distinct key is warned about once, unless some {@code %(...)} or {@code if-opt} used it or
     * {@code set-placeholder} declared it (then it is evidently a placeholder, not a typo).
     */
    private static void reportUnknown(OptionCollector collector, List<Entry> unknown, Set<String> referenced,
                                      Warnings warnings) throws ConfigException {
        for (Entry e : unknown) {
            if (collector.strict()) {
                throw new ConfigException(e.origin, e.key,
                        "[strict-mode] unknown config directive" + Warnings.didYouMean(e.key));
            }
            if (!referenced.contains(e.key) && !collector.isKnownPlaceholder(e.key)) {
                warnings.unknownOption(e);
            }
        }
    }

    /** {@code env_to_arg}: {@code UWSGI_EMPEROR_FREQ} → {@code emperor-freq}. */
    static String envToOption(String variable) {
        StringBuilder sb = new StringBuilder(variable.length() - 6);
        for (char c : variable.substring(6).toCharArray()) {
            char lower = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
            sb.append(lower == '_' ? '-' : lower);
        }
        return sb.toString();
    }
}
