package dev.emperor.spawn;

import java.util.ArrayList;
import java.util.List;

/**
 * The vassal argv exactly as uWSGI builds it ({@code core/emperor.c: uwsgi_emperor_spawn_vassal},
 * master {@code vassal_new_argv}; docs/uwsgi-compat.md, "Vassal argv"): argv[0], inherit-before,
 * include-before, {@code --set}s, the config flag chosen by extension and the name, inherit, include.
 */
public final class ArgvBuilder {
    private final List<String> inheritBefore;
    private final List<String> includeBefore;
    private final List<String> sets;
    private final List<String> inherit;
    private final List<String> include;
    private final List<String> extraExtensions;
    private final boolean magicExec;

    public ArgvBuilder(List<String> inheritBefore, List<String> includeBefore, List<String> sets,
                       List<String> inherit, List<String> include, List<String> extraExtensions) {
        this.inheritBefore = List.copyOf(inheritBefore);
        this.includeBefore = List.copyOf(includeBefore);
        this.sets = List.copyOf(sets);
        this.inherit = List.copyOf(inherit);
        this.include = List.copyOf(include);
        this.extraExtensions = List.copyOf(extraExtensions);
        this.magicExec = false;
    }

    private ArgvBuilder(ArgvBuilder b, boolean magicExec) {
        this.inheritBefore = b.inheritBefore;
        this.includeBefore = b.includeBefore;
        this.sets = b.sets;
        this.inherit = b.inherit;
        this.include = b.include;
        this.extraExtensions = b.extraExtensions;
        this.magicExec = magicExec;
    }

    /**
     * The same argv rules with {@code emperor-magic-exec}: a config file the Emperor may read and
     * execute is passed as {@code exec://NAME}, so uWSGI runs it and reads its output as the config
     * (docs/uwsgi-compat.md, "Vassal argv").
     */
    public ArgvBuilder withMagicExec(boolean on) {
        return new ArgvBuilder(this, on);
    }

    /** The argv of one start: the config argument is {@code emperor://NAME} for a config-pipe vassal. */
    public List<String> build(String argv0, SpawnSpec spec) {
        if (spec.viaConfigPipe()) {
            return build(argv0, spec.name(), ConfigPipe.SCHEME);
        }
        return build(argv0, spec.name(), magicExec && executable(spec) ? MAGIC_EXEC_SCHEME : null);
    }

    static final String MAGIC_EXEC_SCHEME = "exec://";

    /**
     * uWSGI's {@code access(name, R_OK | X_OK)}, relative to its current directory, which is the
     * directory the vassal is started in (one access() per spawn, like the binary lookup).
     */
    private static boolean executable(SpawnSpec spec) {
        java.nio.file.Path p = spec.cwd() == null ? java.nio.file.Path.of(spec.name()) : spec.cwd().resolve(spec.name());
        return java.nio.file.Files.isReadable(p) && java.nio.file.Files.isExecutable(p);
    }

    /**
     * @param argv0        the binary or wrapper
     * @param name         the instance name (zergs: {@code NAME:zerg})
     * @param configScheme null for a file, else a scheme prefix such as {@code "emperor://"}
     */
    public List<String> build(String argv0, String name, String configScheme) {
        List<String> argv = new ArrayList<>();
        argv.add(argv0);
        pairs(argv, "--inherit", inheritBefore);
        pairs(argv, "--include", includeBefore);
        pairs(argv, "--set", sets);
        argv.add(configFlag(name));
        argv.add(configScheme == null ? name : configScheme + name);
        pairs(argv, "--inherit", inherit);
        pairs(argv, "--include", include);
        return argv;
    }

    /** Default {@code --inherit}; later built-in matches win; an extra extension wins over all. */
    public String configFlag(String name) {
        int colon = name.indexOf(':');
        String base = colon >= 0 ? name.substring(0, colon) : name;
        for (String ext : extraExtensions) {
            if (!ext.isEmpty() && base.endsWith(ext)) {
                return "--config";
            }
        }
        String flag = "--inherit";
        if (base.endsWith(".xml")) {
            flag = "--xml";
        }
        if (base.endsWith(".ini")) {
            flag = "--ini";
        }
        if (base.endsWith(".yml") || base.endsWith(".yaml")) {
            flag = "--yaml";
        }
        if (base.endsWith(".js") || base.endsWith(".json")) {
            flag = "--json";
        }
        return flag;
    }

    private static void pairs(List<String> argv, String flag, List<String> values) {
        for (String v : values) {
            argv.add(flag);
            argv.add(v);
        }
    }
}
