package dev.emperor.cli;

import dev.emperor.config.OptionDef;
import dev.emperor.config.OptionTable;
import dev.emperor.config.RawOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The daemon's usual command lines ({@code --ini FILE}, {@code --name value}, {@code --name=value},
 * config files) read straight from {@link OptionTable}, without building picocli's model of every
 * uWSGI option: that model was the largest single cost before the first spawn (docs/operations.md,
 * "Start-up trace"). Anything else — short options, {@code --help}, {@code --version}, {@code --},
 * {@code ctl}, an unknown or incomplete option — is left to {@link CommandLineOptions}, which
 * answers and explains exactly as before; for what it takes, the result is the one picocli gives
 * ({@code QuickArgsTest} compares both).
 */
final class QuickArgs {
    private QuickArgs() {
    }

    /** The parsed command line, or null when {@link CommandLineOptions} must read it. */
    static ParsedArgs parse(String[] args) {
        List<RawOption> options = new ArrayList<>();
        List<String> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                if (arg.isEmpty() || arg.startsWith("-") || arg.startsWith("@") || arg.equals("ctl")) {
                    return null;
                }
                files.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            OptionDef def = name.isEmpty() ? null : OptionTable.lookup(name);
            if (def == null) {
                return null;
            }
            if (eq >= 0) {
                options.add(RawOption.of(name, arg.substring(eq + 1)));
            } else if (def.valueOptional()) {
                options.add(RawOption.of(name, "")); // a bare flag never swallows the next argument
            } else if (i + 1 < args.length) {
                options.add(RawOption.of(name, args[++i])); // getopt takes the next argument whatever it is
            } else {
                return null;
            }
        }
        for (String file : files) {
            if (!file.startsWith("[")) { // as CommandLineOptions: '['-arguments are for plugins
                options.add(RawOption.of("include", file));
            }
        }
        return new ParsedArgs(options, false, false, null);
    }
}
