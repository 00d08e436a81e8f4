package dev.emperor.source;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one registry of monitor kinds (docs/architecture.md, "Vassal sources"): which {@code emperor =}
 * values are accepted, what {@code imperial-monitor-list} prints, and which factory builds the monitor.
 * The kinds are declared here once ({@link #declared()}: the option parser asks it for refusals); the
 * factories, which live in the packages of their monitors, are bound to the declared schemes by the wiring
 * ({@code daemon/Monitors}), and {@link #bind} refuses a factory for an undeclared or refused scheme, and
 * {@link #complete} an available kind without one.
 * <p>
 * A value without a scheme ({@link #NO_SCHEME}) is a directory or a glob, as uWSGI decides it.
 */
public final class MonitorKinds {
    /** The kind of a plain {@code emperor = PATH} value. */
    public static final String NO_SCHEME = "";

    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9_+.-]*)://");

    /** How a monitor of one kind is made from its whole {@code emperor} value (scheme included). */
    @FunctionalInterface
    public interface Factory {
        /** @throws IllegalArgumentException a value that cannot be monitored (logged, the Emperor exits 1, as uWSGI) */
        Monitor create(String value, MonitorContext context);
    }

    /**
     * One kind.
     *
     * @param scheme  {@code dir}, {@code glob}, {@code pg} ..., or {@link #NO_SCHEME}
     * @param listed  the name {@code imperial-monitor-list} prints (as uWSGI's plugin name), null = not listed
     * @param refusal null when available; else why it is refused at start-up ("" = not built yet, no more to say)
     */
    public record Kind(String scheme, String listed, String refusal) {
        public boolean available() {
            return refusal == null;
        }
    }

    /** uWSGI's monitors (built in and plugins), in uWSGI's list order; zmq through JeroMQ. */
    private static final List<Kind> DECLARED = List.of(
            new Kind(NO_SCHEME, null, null),
            // uWSGI 2.0.21 lists its plugins' monitors first, in plugin load order, then dir and glob
            // (verified with Debian's plugins: plugins = emperor_pg,emperor_zeromq prints pg, zmq, dir, glob)
            new Kind("pg", "pg", null),
            new Kind("zmq", "zmq", null),
            new Kind("dir", "dir", null),
            new Kind("glob", "glob", null),
            new Kind("mongodb", null, "uWSGI's emperor_mongodb is not packaged by Debian: no reference to be compatible with"),
            new Kind("amqp", null, "uWSGI's emperor_amqp keeps a freed buffer as each vassal's config"
                    + " (a use-after-free): no sound behaviour to be compatible with"));

    private final Map<String, Kind> kinds = new LinkedHashMap<>();
    private final Map<String, Factory> factories = new LinkedHashMap<>();

    private MonitorKinds() {
        DECLARED.forEach(k -> kinds.put(k.scheme(), k));
    }

    /** The declared kinds, no factory bound: enough to accept or refuse a value. */
    public static MonitorKinds declared() {
        return new MonitorKinds();
    }

    /** Binds the factory of an available kind. */
    public MonitorKinds bind(String scheme, Factory factory) {
        Kind k = kinds.get(scheme);
        if (k == null || !k.available()) {
            throw new IllegalStateException("no available monitor kind '" + scheme + "' is declared");
        }
        factories.put(scheme, factory);
        return this;
    }

    /** This registry, checked: every available kind has its factory. */
    public MonitorKinds complete() {
        for (Kind k : kinds.values()) {
            if (k.available() && !factories.containsKey(k.scheme())) {
                throw new IllegalStateException("monitor kind '" + k.scheme() + "' is declared available but has no factory");
            }
        }
        return this;
    }

    /** The scheme of an {@code emperor} value ({@code pg://...} → {@code pg}), {@link #NO_SCHEME} for a plain path. */
    public static String schemeOf(String value) {
        Matcher m = SCHEME.matcher(value);
        return m.find() ? m.group(1) : NO_SCHEME;
    }

    /**
     * Why an {@code emperor} value cannot be monitored ("imperial monitor 'pg://' is not supported yet
     * (only directories and globs)"), null when its kind is available. An unknown scheme is refused
     * too: uWSGI would take it for a glob that never matches.
     */
    public String refusal(String value) {
        String scheme = schemeOf(value);
        Kind k = kinds.get(scheme);
        if (k != null && k.available()) {
            return null;
        }
        String why = k == null || k.refusal().isEmpty() ? "" : ": " + k.refusal();
        return "imperial monitor '" + scheme + "://' is not supported yet (only " + availableText() + ")" + why;
    }

    /** Builds the monitor of one value with its kind's factory. */
    public Monitor create(String value, MonitorContext context) {
        String refused = refusal(value);
        if (refused != null) {
            throw new IllegalArgumentException(refused);
        }
        Factory f = factories.get(schemeOf(value));
        if (f == null) {
            throw new IllegalStateException("no factory bound for " + schemeOf(value) + "://");
        }
        return f.create(value, context);
    }

    /** What {@code imperial-monitor-list} prints, one name per line, in uWSGI's order. */
    public List<String> listed() {
        List<String> out = new ArrayList<>();
        kinds.values().stream().filter(k -> k.available() && k.listed() != null).forEach(k -> out.add(k.listed()));
        return out;
    }

    /**
     * What {@code imperial-monitor-list} adds after uWSGI's list (README, "Every uWSGI Emperor option"): one line
     * per refused kind, {@code refused: SCHEME:// (REASON)}.
     */
    public List<String> refusedLines() {
        List<String> out = new ArrayList<>();
        kinds.values().stream().filter(k -> !k.available())
                .forEach(k -> out.add("refused: " + k.scheme() + "://" + (k.refusal().isEmpty() ? "" : " (" + k.refusal() + ")")));
        return out;
    }

    private String availableText() {
        List<String> others = new ArrayList<>();
        for (Kind k : kinds.values()) {
            if (k.available() && !k.scheme().equals(NO_SCHEME) && !k.scheme().equals("dir") && !k.scheme().equals("glob")) {
                others.add(k.scheme() + "://");
            }
        }
        return others.isEmpty() ? "directories and globs" : "directories, globs and " + String.join(", ", others);
    }
}
