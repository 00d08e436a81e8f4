package dev.emperor.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An open configuration-logic block (docs/uwsgi-compat.md, "Logic blocks", {@code core/config.c: uwsgi_logic_opt_*}).
 * Every option read while it is open is handed to {@link #expand}, which returns the values to add
 * instead — none, one, or one per {@code for} item — with {@code %(_)} replaced by the item.
 * The condition is evaluated per option, at the moment the option arrives, like uWSGI.
 */
final class LogicBlock {

    /** What the conditions may look at. */
    record Context(Map<String, String> environ, Path cwd, String hostname,
                   Function<String, String> firstOptionValue) {
    }

    private final String opener;
    private final String argument;
    private final Origin origin;

    private LogicBlock(String opener, String argument, Origin origin) {
        this.opener = opener;
        this.argument = argument;
        this.origin = origin;
    }

    /**
     * @param opener   canonical name of a logic option ({@link #isOpener})
     * @param argument the opener's value, used literally (immediate options are never expanded)
     * @param origin   where the opener was written, for errors
     */
    static LogicBlock open(String opener, String argument, Origin origin) {
        return new LogicBlock(opener, argument, origin);
    }

    static boolean isOpener(String canonicalName) {
        return canonicalName.equals("for") || canonicalName.equals("for-times")
                || canonicalName.equals("for-readline") || canonicalName.startsWith("if-");
    }

    String opener() {
        return opener;
    }

    /** The values to add, in order, for one option seen inside the block (its key stays the same). */
    List<String> expand(String value, Context ctx, Warnings warnings) throws ConfigException {
        return switch (opener) {
            case "for" -> forEach(value, tokens(argument));
            case "for-times" -> forEach(value, times(argument));
            case "for-readline" -> forEach(value, readLines(argument, ctx, warnings));
            case "if-opt" -> ifKeyValue(value, ctx.firstOptionValue().apply(name(argument)), false);
            case "if-not-opt" -> ifKeyValue(value, ctx.firstOptionValue().apply(name(argument)), true);
            case "if-env" -> ifKeyValue(value, ctx.environ().get(name(argument)), false);
            case "if-not-env" -> ifKeyValue(value, ctx.environ().get(name(argument)), true);
            case "if-exists" -> when(onPath(ctx, Files::isReadable), value);
            case "if-not-exists" -> when(!onPath(ctx, Files::isReadable), value);
            case "if-file" -> when(onPath(ctx, Files::isRegularFile), value);
            case "if-not-file" -> when(!onPath(ctx, Files::isRegularFile), value);
            case "if-dir" -> when(onPath(ctx, Files::isDirectory), value);
            case "if-not-dir" -> when(!onPath(ctx, Files::isDirectory), value);
            case "if-hostname" -> when(ctx.hostname().equals(argument), value);
            case "if-not-hostname" -> when(!ctx.hostname().equals(argument), value);
            case "if-hostname-match" -> when(matches(argument, ctx.hostname()), value);
            case "if-not-hostname-match" -> when(!matches(argument, ctx.hostname()), value);
            // this daemon has no plugins and never re-executes itself for a reload
            case "if-plugin", "if-reload" -> List.of();
            case "if-not-plugin" -> List.of(value.replace("%(_)", argument));
            case "if-not-reload" -> List.of(value);
            default -> throw new IllegalStateException("not a logic opener: " + opener);
        };
    }

    /** {@code access()}/{@code stat()} of the argument, relative to the startup directory. */
    private boolean onPath(Context ctx, Predicate<Path> test) {
        try {
            return test.test(ctx.cwd().resolve(argument));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static List<String> forEach(String value, List<String> items) {
        List<String> out = new ArrayList<>(items.size());
        for (String item : items) {
            out.add(value.replace("%(_)", item));
        }
        return out;
    }

    private List<String> when(boolean condition, String value) {
        return condition ? List.of(value.replace("%(_)", argument)) : List.of();
    }

    /** {@code KEY} or {@code KEY=VALUE}; %(_) becomes the found value (unchanged when there is none). */
    private List<String> ifKeyValue(String value, String found, boolean negate) {
        int eq = argument.indexOf('=');
        boolean holds = found != null && (eq < 0 || argument.substring(eq + 1).equals(found));
        if (holds == negate) {
            return List.of();
        }
        return List.of(found == null ? value : value.replace("%(_)", found));
    }

    private static String name(String argument) {
        int eq = argument.indexOf('=');
        return eq < 0 ? argument : argument.substring(0, eq);
    }

    private static List<String> tokens(String argument) {
        List<String> out = new ArrayList<>();
        for (String t : argument.split(" ")) {
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    private static List<String> times(String argument) {
        long n = PlaceholderMath.strtoll(argument);
        List<String> out = new ArrayList<>();
        for (long i = 1; i <= Math.min(n, 100_000); i++) {
            out.add(Long.toString(i));
        }
        return out;
    }

    private static List<String> readLines(String file, Context ctx, Warnings warnings) {
        try {
            String text = IniReader.decode(IniReader.readBounded(ctx.cwd().resolve(file)));
            return text.lines().toList();
        } catch (IOException | RuntimeException e) {
            // uWSGI logs the open() error and adds nothing
            warnings.add("[emperor] for-readline: cannot read " + file + ": " + Schemes.reason(e));
            return List.of();
        }
    }

    private boolean matches(String regex, String hostname) throws ConfigException {
        try {
            return Pattern.compile(regex).matcher(hostname).find();
        } catch (PatternSyntaxException e) {
            throw new ConfigException(origin, opener, "invalid regular expression: " + e.getDescription());
        }
    }
}
