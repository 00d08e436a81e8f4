package dev.emperor.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * uWSGI's ordered list of exported options and what happens when one is added
 * ({@code core/config.c: add_exported_option_do}, docs/uwsgi-compat.md, "Pipeline"): logic blocks swallow and
 * re-emit options, immediate options run at once (loading files in place, {@code set}, logic
 * openers), everything else waits for the expansion passes and {@link #configure()}.
 */
final class OptionCollector {

    /** A bound on runaway configurations (a {@code for} over a huge list, an include fan-out). */
    static final int MAX_OPTIONS = 200_000;
    /** uWSGI loops forever on a file that inherits itself; this many inherit loads is surely that. */
    static final int MAX_INHERITS = 256;

    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> placeholderKeys = new HashSet<>();
    private final Set<String> testedKeys = new HashSet<>();
    private final Map<String, String> environ;
    private final Path cwd;
    private final String hostname;
    private final Warnings warnings;
    private final ConfigFiles files;
    private final TypedOptions typed;
    private LogicBlock block;
    private boolean blockRunning;
    private boolean strict;

    OptionCollector(Map<String, String> environ, Path cwd, HostFacts facts, Warnings warnings) {
        this.environ = environ;
        this.cwd = cwd;
        this.hostname = facts.hostname();
        this.warnings = warnings;
        this.files = new ConfigFiles(cwd, new MagicVars(facts, cwd), warnings);
        this.typed = new TypedOptions(warnings);
    }

    List<Entry> entries() {
        return entries;
    }

    TypedOptions typed() {
        return typed;
    }

    boolean strict() {
        return strict;
    }

    /**
     * True for keys that are evidently placeholders rather than typos: created by
     * {@code set-placeholder}, or looked at by {@code if-opt}/{@code if-not-opt}.
     */
    boolean isKnownPlaceholder(String key) {
        return placeholderKeys.contains(key) || testedKeys.contains(key);
    }

    /** {@code add_exported_option}: add an option or placeholder read from any source. */
    void add(String key, String value, Origin origin) throws ConfigException {
        add(key, value, origin, false);
    }

    private void add(String key, String value, Origin origin, boolean placeholderOnly) throws ConfigException {
        if (!blockRunning) {
            if (OptionTable.isBlockCloser(key)) {
                block = null; // any closer closes whatever block is open (docs/uwsgi-compat.md, "Logic blocks")
            }
            if (block != null) {
                feedBlock(key, value, origin);
                return;
            }
        }
        Entry e = new Entry(key, value, origin);
        entries.add(e);
        if (entries.size() > MAX_OPTIONS) {
            throw new ConfigException(origin, key, "more than " + MAX_OPTIONS + " options in total");
        }
        if (placeholderOnly) {
            if (OptionTable.lookup(key) != null) {
                throw new ConfigException(origin, key,
                        "you cannot use " + key + " as a placeholder, it is already available as an option");
            }
            e.configured = true;
            placeholderKeys.add(key);
            return;
        }
        if (OptionTable.isBlockCloser(key)) {
            e.configured = true;
            return;
        }
        OptionDef def = OptionTable.lookup(key);
        if (def != null && def.immediate()) {
            e.configured = true;
            runImmediate(def, e);
        }
    }

    /**
     * The open block decides which copies of the option exist; while it runs, added options go
     * straight to the list (uWSGI's {@code logic_opt_running}), so a file loaded from inside a block
     * is not filtered again and a logic opener in it is "recursive logic".
     */
    private void feedBlock(String key, String value, Origin origin) throws ConfigException {
        LogicBlock.Context ctx = new LogicBlock.Context(environ, cwd, hostname, this::firstValue);
        List<String> values = block.expand(value, ctx, warnings);
        blockRunning = true;
        try {
            for (String v : values) {
                add(key, v, origin, false);
            }
        } finally {
            blockRunning = false;
        }
    }

    /** {@code uwsgi_get_exported_opt}: the first value of {@code key} collected so far. */
    String firstValue(String key) {
        testedKeys.add(key);
        for (Entry e : entries) {
            if (e.key.equals(key)) {
                return e.value;
            }
        }
        return null;
    }

    private void runImmediate(OptionDef def, Entry e) throws ConfigException {
        switch (def.name()) {
            case "ini" -> files.loadIni(e.value, e, this::add);
            case "include" -> files.load(e.value, e, this::add);
            case "set" -> addAssignment(e, false);
            case "set-placeholder" -> addAssignment(e, true);
            case "strict" -> strict = ValueParser.bool(e.value);
            case "endfor", "endif" -> {
                // closers were handled before the option was stored
            }
            default -> {
                if (def.status() == OptionStatus.SUPPORTED && LogicBlock.isOpener(def.name())) {
                    if (block != null) {
                        throw new ConfigException(e.origin, e.key,
                                "recursive logic in options is not supported (open block: " + block.opener() + ")");
                    }
                    block = LogicBlock.open(def.name(), e.value, e.origin);
                } else {
                    typed.apply(def, e);
                }
            }
        }
    }

    /** {@code uwsgi_opt_set_placeholder}: {@code KEY=VALUE} becomes option (or placeholder) KEY. */
    private void addAssignment(Entry e, boolean placeholderOnly) throws ConfigException {
        int eq = e.value.indexOf('=');
        if (eq < 0) {
            throw new ConfigException(e.origin, e.key, "invalid placeholder/--set value (expected KEY=VALUE): "
                    + e.value);
        }
        add(e.value.substring(0, eq), e.value.substring(eq + 1), e.origin, placeholderOnly);
    }

    /**
     * {@code uwsgi_configure}: apply every option not applied yet, in list order. {@code inherit}
     * loads its file now, appending options that are applied in turn (unexpanded: the passes are over).
     *
     * @return the entries that are no option of this daemon, in order
     */
    List<Entry> configure() throws ConfigException {
        List<Entry> unknown = new ArrayList<>();
        int inherits = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.configured) {
                continue;
            }
            e.configured = true;
            OptionDef def = OptionTable.lookup(e.key);
            if (def == null) {
                unknown.add(e);
            } else if (def.name().equals("inherit")) {
                if (++inherits > MAX_INHERITS) {
                    throw new ConfigException(e.origin, e.key,
                            "more than " + MAX_INHERITS + " inherited files (does a file inherit itself?)");
                }
                files.load(e.value, e, this::add);
            } else {
                typed.apply(def, e);
            }
        }
        return unknown;
    }
}
