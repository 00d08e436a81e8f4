package dev.emperor.cli;

import dev.emperor.config.RawOption;
import java.util.List;
import picocli.CommandLine.ParseResult;

/**
 * The command line, understood.
 *
 * @param options    every option in argv order, then the positional config files as {@code include}
 *                   options (GNU getopt moves operands after the options, so uWSGI loads them last)
 * @param help       {@code --help}/{@code -h} was given
 * @param version    {@code --version} was given
 * @param subcommand the parse result of a subcommand registered through
 *                   {@link CommandLineOptions#commandLine()}, null when none was used
 */
public record ParsedArgs(List<RawOption> options, boolean help, boolean version, ParseResult subcommand) {

    public ParsedArgs {
        options = List.copyOf(options);
    }
}
