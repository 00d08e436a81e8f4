package dev.emperor.cli;

import dev.emperor.config.ConfigException;
import dev.emperor.config.OptionDef;
import dev.emperor.config.OptionStatus;
import dev.emperor.config.OptionTable;
import dev.emperor.config.Origin;
import dev.emperor.config.RawOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * uWSGI's command line ({@code core/init.c: uwsgi_commandline_config}, docs/uwsgi-compat.md, "Command line") on picocli,
 * built from {@link OptionTable}: {@code --name value} and {@code --name=value} for every name and
 * alias, the 2.0.21 short options, repeatable, order kept across different names. Options whose
 * value is optional (booleans, {@code log-date}, {@code chmod-socket}, block closers) take it only
 * attached ({@code --emperor-nofollow=false}); a bare {@code --emperor-nofollow} never swallows the
 * next argument. Positional arguments are config files, loaded after all options like uWSGI does.
 *
 * <p>Every option's parameters are taken by one {@link IParameterPreprocessor} that appends to a
 * single ordered list, so picocli never stores (or reorders) values itself.
 */
public final class CommandLineOptions {

    private final List<RawOption> options = new ArrayList<>();
    private final List<String> positionals = new ArrayList<>();
    private final CommandSpec spec = CommandSpec.create();
    private final CommandLine commandLine;
    private boolean help;
    private boolean version;

    /** A parser ready for {@link #parseArgs}; add subcommands through {@link #commandLine()} first. */
    public CommandLineOptions() {
        spec.name("emperor");
        spec.usageMessage()
                .customSynopsis("emperor [OPTIONS] [CONFIG.ini ...]")
                .description("A drop-in uWSGI Emperor. Options are uWSGI's: --name value or --name=value;",
                        "config files given as arguments are loaded like --include (after all options).",
                        "Options marked 'not supported yet' and uWSGI options without effect are hidden.")
                .width(100);
        spec.parser()
                .expandAtFiles(false)
                .trimQuotes(false)
                .splitQuotedStrings(false)
                .abbreviatedOptionsAllowed(false)
                .overwrittenOptionsAllowed(true)
                .unmatchedArgumentsAllowed(false)
                .posixClusteredShortOptionsAllowed(true)
                .toggleBooleanFlags(false)
                .endOfOptionsDelimiter("--");
        for (OptionDef def : OptionTable.all()) {
            for (String name : def.names()) {
                spec.addOption(optionSpec(def, name));
            }
        }
        spec.addOption(flag("show this help and exit", () -> help = true, "--help", "-h"));
        spec.addOption(flag("print the version and exit", () -> version = true, "--version"));
        spec.addPositional(PositionalParamSpec.builder()
                .index("0..*").arity("0..*").type(String.class).paramLabel("CONFIG")
                .description("config file, loaded by extension (only .ini)")
                .preprocessor((args, cmd, arg, info) -> {
                    positionals.add(args.pop());
                    return true;
                })
                .build());
        commandLine = new CommandLine(spec);
    }

    /** The underlying picocli command, e.g. to {@code addSubcommand("ctl", ...)} before parsing. */
    public CommandLine commandLine() {
        return commandLine;
    }

    /**
     * @throws ConfigException naming the option for an unknown option or a missing argument
     */
    public ParsedArgs parseArgs(String[] args) throws ConfigException {
        options.clear();
        positionals.clear();
        help = false;
        version = false;
        ParseResult result;
        try {
            result = commandLine.parseArgs(args);
        } catch (UnmatchedArgumentException e) {
            throwIfSubcommandError(e);
            String arg = e.getUnmatched().isEmpty() ? "?" : e.getUnmatched().get(0);
            String name = arg.replaceFirst("^-+", "").replaceFirst("=.*$", "");
            String suggestion = OptionTable.suggest(name);
            throw new ConfigException(Origin.commandLine(), name, "unrecognized option '" + arg + "'"
                    + (suggestion == null ? "" : " (did you mean '--" + suggestion + "'?)"));
        } catch (MissingArgument e) {
            throw new ConfigException(Origin.commandLine(), e.key, e.getMessage());
        } catch (ParameterException e) {
            throwIfSubcommandError(e);
            throw new ConfigException(Origin.commandLine(), null, e.getMessage());
        }
        List<RawOption> all = new ArrayList<>(options);
        for (String file : positionals) {
            if (!file.startsWith("[")) { // uWSGI leaves '['-arguments to plugins
                all.add(RawOption.of("include", file));
            }
        }
        return new ParsedArgs(all, help, version, result.hasSubcommand() ? result.subcommand() : null);
    }

    /** A subcommand's own usage error (e.g. {@code emperor ctl restart} without NAME) is not about uWSGI options. */
    private void throwIfSubcommandError(ParameterException e) throws ConfigException {
        CommandLine where = e.getCommandLine();
        if (where != null && where != commandLine) {
            String name = where.getCommandSpec().qualifiedName(" ").replaceFirst("^emperor ", "");
            throw new ConfigException(null, null, name + ": " + e.getMessage());
        }
    }

    private OptionSpec optionSpec(OptionDef def, String name) {
        List<String> names = new ArrayList<>();
        names.add("--" + name);
        boolean canonical = name.equals(def.name());
        if (canonical && def.shortName() != null) {
            names.add("-" + def.shortName());
        }
        String description = def.description();
        if (canonical && !def.aliases().isEmpty()) {
            description += " (also --" + String.join(", --", def.aliases()) + ")";
        }
        return OptionSpec.builder(names.toArray(new String[0]))
                .arity(def.valueOptional() ? "0..1" : "1")
                .type(String.class)
                .paramLabel("VALUE")
                .description(description)
                .hidden(!canonical || def.status() != OptionStatus.SUPPORTED)
                .preprocessor(new Recorder(name, def.valueOptional()))
                .build();
    }

    private static OptionSpec flag(String description, Runnable action, String... names) {
        return OptionSpec.builder(names).arity("0").type(boolean.class).description(description)
                .preprocessor((args, cmd, arg, info) -> {
                    action.run();
                    return true;
                })
                .build();
    }

    /** Takes one option's value off the argument stack and records the option in argv order. */
    private final class Recorder implements IParameterPreprocessor {
        private final String key;
        private final boolean valueOptional;

        Recorder(String key, boolean valueOptional) {
            this.key = key;
            this.valueOptional = valueOptional;
        }

        @Override
        public boolean preprocess(Stack<String> args, CommandSpec cmd, ArgSpec arg, Map<String, Object> info) {
            // picocli reports " " when the value was not attached with '=' (or glued to a short option)
            boolean attached = !" ".equals(String.valueOf(info.get("separator")));
            String value;
            if (attached) {
                value = args.pop();
            } else if (valueOptional) {
                value = "";
            } else if (args.isEmpty()) {
                throw new MissingArgument(commandLine, key);
            } else {
                value = args.pop(); // getopt takes the next argument whatever it looks like
            }
            options.add(RawOption.of(key, value));
            return true;
        }
    }

    /** uWSGI: {@code option '--emperor' requires an argument}. */
    private static final class MissingArgument extends ParameterException {
        private static final long serialVersionUID = 1L;
        private final String key;

        MissingArgument(CommandLine cl, String key) {
            super(cl, "option '--" + key + "' requires an argument");
            this.key = key;
        }
    }
}
