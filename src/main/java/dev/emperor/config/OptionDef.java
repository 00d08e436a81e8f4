package dev.emperor.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of the option table: a uWSGI option this daemon knows, under all its names.
 *
 * @param name             canonical name (the one EmperorConfig documents)
 * @param aliases          other accepted names, same meaning
 * @param kind             how the value is parsed
 * @param status           supported, refused or ignored
 * @param immediate        applied the moment it is read (uWSGI {@code UWSGI_OPT_IMMEDIATE}): its value
 *                         never sees the {@code $()}/{@code @()}/{@code %()} passes (docs/uwsgi-compat.md, "Pipeline")
 * @param optionalArgument on the command line the value may only be attached ({@code --name=value});
 *                         a bare {@code --name} is valid (getopt {@code optional_argument}, docs/uwsgi-compat.md, "Command line")
 * @param shortName        single-letter command-line form without dash, or null
 * @param description      one line for {@code --help}
 */
public record OptionDef(String name, List<String> aliases, OptionKind kind, OptionStatus status,
                        boolean immediate, boolean optionalArgument, Character shortName, String description) {

    public OptionDef {
        aliases = List.copyOf(aliases);
    }

    /** Every name, canonical first. */
    public List<String> names() {
        List<String> all = new ArrayList<>(aliases.size() + 1);
        all.add(name);
        all.addAll(aliases);
        return all;
    }

    /** True when a bare {@code --name} (no value) is accepted on the command line. */
    public boolean valueOptional() {
        return kind == OptionKind.BOOL || optionalArgument;
    }

    static OptionDef of(String name, OptionKind kind, OptionStatus status, String description, String... aliases) {
        return new OptionDef(name, List.of(aliases), kind, status, false, false, null, description);
    }

    /** An option this daemon implements. */
    static OptionDef on(String name, OptionKind kind, String description, String... aliases) {
        return of(name, kind, OptionStatus.SUPPORTED, description, aliases);
    }

    /** An option refused with "not supported yet" unless its value means off. */
    static OptionDef notYet(String name, OptionKind kind, String description, String... aliases) {
        return of(name, kind, OptionStatus.NOT_YET, description, aliases);
    }

    /** A uWSGI option that means nothing to this daemon: accepted with one warning. */
    static OptionDef ignored(String name, OptionKind kind, String description, String... aliases) {
        return of(name, kind, OptionStatus.IGNORED, description, aliases);
    }

    OptionDef asImmediate() {
        return new OptionDef(name, aliases, kind, status, true, optionalArgument, shortName, description);
    }

    OptionDef withOptionalArgument() {
        return new OptionDef(name, aliases, kind, status, immediate, true, shortName, description);
    }

    OptionDef withShortName(char c) {
        return new OptionDef(name, aliases, kind, status, immediate, optionalArgument, c, description);
    }
}
