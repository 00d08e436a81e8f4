package dev.emperor.config;

import dev.emperor.hooks.HookConfig;
import dev.emperor.source.MonitorKinds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies options to typed values in application order ({@code uwsgi_configure}, docs/uwsgi-compat.md, "Pipeline"): scalars are overwritten (last applied wins), lists accumulate. Refuses NOT_YET options
 * unless their value means "off", and warns once about IGNORED ones.
 */
final class TypedOptions {

    private final Map<String, String> strings = new HashMap<>();
    private final Map<String, Integer> ints = new HashMap<>();
    private final Map<String, Boolean> bools = new HashMap<>();
    private final Map<String, List<String>> lists = new HashMap<>();
    private final List<Integer> safeFds = new ArrayList<>();
    private final Map<String, Origin> origins = new HashMap<>();
    private List<String> caps = List.of();
    private List<String> namespaces = List.of();
    private List<String> processCaps = List.of();
    private final Warnings warnings;
    private static final MonitorKinds MONITOR_KINDS = MonitorKinds.declared();

    TypedOptions(Warnings warnings) {
        this.warnings = warnings;
    }

    /** Apply one occurrence of a known option ({@code def} is its table entry). */
    void apply(OptionDef def, Entry e) throws ConfigException {
        if (HookOptions.handles(def.name())) {
            HookOptions.check(def.name(), e); // refusals with their reason, bad hook lines with file and line
        }
        switch (def.status()) {
            case NOT_YET -> {
                if (!ValueParser.isOff(def.kind(), e.value)) {
                    throw new ConfigException(e.origin, e.key, RefusalReasons.refusal(def));
                }
                return;
            }
            case IGNORED -> {
                warnings.ignoredOption(e);
                return;
            }
            default -> {
            }
        }
        String name = def.name();
        if (name.equals("log-format") && LogFormats.isRequestLogFormat(e.value)) {
            warnings.ignoredOption(e); // uWSGI's request log format (alias of logformat): vassals only
            return;
        }
        origins.put(name, e.origin);
        switch (name) {
            case "emperor-cap" -> caps = PrivilegeOptions.caps(e);
            case "emperor-use-clone" -> namespaces = PrivilegeOptions.namespaces(e, warnings);
            case "cap" -> processCaps = PrivilegeOptions.caps(e);
            default -> { }
        }
        switch (def.kind()) {
            case BOOL -> bools.put(name, ValueParser.bool(e.value));
            case INT -> ints.put(name, checkedInt(name, e));
            case STRING -> strings.put(name, switch (name) {
                case "chmod-socket" -> ValueParser.chmod(e);
                case "log-date" -> ValueParser.logDate(e.value);
                case "log-format" -> LogFormats.parse(e);
                default -> e.value;
            });
            case LIST -> addToList(name, e);
        }
    }

    private static int checkedInt(String name, Entry e) throws ConfigException {
        int n = ValueParser.nonNegativeInt(e);
        if (name.equals("emperor-freq") && n < 1) {
            // uWSGI accepts 0 and then busy-loops the Emperor (docs/uwsgi-compat.md, "Deliberate differences")
            throw new ConfigException(e.origin, e.key, "emperor-freq must be at least 1 (got " + n + ")");
        }
        return n;
    }

    private void addToList(String name, Entry e) throws ConfigException {
        if (name.equals("safe-fd")) {
            try {
                safeFds.add(ValueParser.nonNegativeInt(e));
            } catch (ConfigException notAnFd) {
                throw new ConfigException(e.origin, e.key, "invalid file descriptor: " + e.value);
            }
            return;
        }
        if (name.equals("emperor")) {
            String refused = MONITOR_KINDS.refusal(e.value); // the one registry of kinds (docs/architecture.md, "Vassal sources")
            if (refused != null) {
                throw new ConfigException(e.origin, e.key, refused);
            }
        }
        if (name.equals("emperor")) {
            origins.put("emperor " + e.value, e.origin); // each monitor's own line, for start-up errors
        }
        lists.computeIfAbsent(name, k -> new ArrayList<>()).add(e.value);
    }

    /** A scalar string option as applied last, or null. */
    /** {@code cap}: the capabilities the Emperor keeps after its uid/gid drop, empty = none. */
    List<String> processCaps() {
        return processCaps;
    }

    String string(String name) {
        return strings.get(name);
    }

    boolean bool(String name) {
        return bools.getOrDefault(name, false);
    }

    private int integer(String name, int fallback) {
        return ints.getOrDefault(name, fallback);
    }

    private List<String> list(String name) {
        return List.copyOf(lists.getOrDefault(name, List.of()));
    }

    /**
     * The typed configuration, uWSGI defaults for everything unset ({@code core/init.c:
     * uwsgi_init_default}).
     *
     * @param placeholders every key's first value
     * @param cwd          the startup directory; {@code force-cwd} replaces it
     * @throws ConfigException for combinations that cannot be honoured (tyrant with fork-server adoption)
     */
    EmperorConfig build(Map<String, String> placeholders, Path cwd) throws ConfigException {
        if (bool("emperor-tyrant") && namespaces.contains("user")) {
            // in a new user namespace only root is mapped (unshare --map-root-user): the owner's uid could
            // not be set there; uWSGI's vassals fail the same way (setuid to an unmapped id)
            throw new ConfigException(origins.get("emperor-tyrant"), "emperor-tyrant",
                    "cannot be combined with emperor-use-clone 'user' (" + origins.get("emperor-use-clone").describe()
                            + "): in a new user namespace only root is mapped, so a vassal cannot become its owner");
        }
        if (bool("emperor-tyrant")) {
            // adopted vassals are forked by the base vassal with the base's credentials: the Emperor
            // never execs them, so it could not drop them to their config owner (uWSGI master does not either)
            for (String fs : List.of("emperor-use-fork-server", "emperor-fork-server-attr")) {
                if (strings.get(fs) != null) {
                    throw new ConfigException(origins.get("emperor-tyrant"), "emperor-tyrant",
                            "cannot be combined with " + fs + " (" + origins.get(fs).describe() + "): adopted vassals are"
                                    + " forked by the base vassal as the base's user, so they could not run as the owner"
                                    + " of their config");
                }
            }
        }
        String forced = strings.get("force-cwd");
        Path startupCwd = forced == null ? cwd : cwd.resolve(forced).normalize();
        return new EmperorConfig(
                list("emperor"),
                integer("emperor-freq", 3),
                strings.get("emperor-stats"),
                integer("emperor-throttle", 1000),
                integer("emperor-max-throttle", 180_000),
                bool("emperor-no-blacklist"),
                integer("emperor-required-heartbeat", 30),
                integer("emperor-curse-tolerance", 30),
                integer("reload-mercy", 0),
                bool("emperor-graceful-shutdown"),
                bool("emperor-nofollow"),
                list("emperor-extra-extension"),
                strings.get("binary-path"),
                strings.get("emperor-wrapper"),
                list("emperor-wrapper-override"),
                list("emperor-wrapper-fallback"),
                list("vassals-inherit-before"),
                list("vassals-include-before"),
                list("vassals-set"),
                list("vassals-inherit"),
                list("vassals-include"),
                strings.get("emperor-pidfile"),
                strings.get("logto"),
                strings.get("daemonize"),
                strings.get("emperor-procname"),
                strings.get("uid"),
                strings.get("gid"),
                integer("socket-timeout", 4),
                integer("listen", 100),
                strings.get("chmod-socket"),
                strings.get("log-date"),
                list("env"),
                list("unenv"),
                strings.get("chdir"),
                List.copyOf(safeFds),
                Collections.unmodifiableMap(new LinkedHashMap<>(placeholders)),
                startupCwd,
                strings.get("emperor-use-fork-server"),
                list("vassal-fork-base"),
                bool("emperor-subreaper"),
                list("emperor-collect-attribute"),
                strings.get("emperor-fork-server-attr"),
                strings.get("emperor-command-socket"),
                bool("emperor-wait-for-command"),
                list("emperor-wait-for-command-ignore"),
                bool("emperor-stats-control"),
                bool("emperor-stats-control-any-address"),
                bool("emperor-tyrant"),
                bool("emperor-tyrant-nofollow"),
                bool("emperor-tyrant-initgroups"),
                caps,
                namespaces,
                strings.get("emperor-on-demand-extension"),
                strings.get("emperor-on-demand-directory"),
                strings.get("emperor-on-demand-exec"),
                strings.getOrDefault("log-format", LogFormats.PLAIN),
                strings.get("emperor-vassal-logs"),
                strings.get("emperor-pg-channel"),
                bool("emperor-magic-exec"),
                strings.get("emperor-wrapper-attr"),
                strings.get("emperor-chdir-attr"),
                strings.get("emperor-trigger-socket"),
                Map.copyOf(origins),
                integer("emperor-broodlord", 0),
                HookConfig.of(lists, strings.get("vassals-start-hook"), strings.get("vassals-stop-hook")),
                bool("emperor-no-pdeathsig"));
    }
}
