package dev.emperor.cli;

import dev.emperor.Version;
import dev.emperor.config.OptionDef;
import dev.emperor.config.OptionKind;
import dev.emperor.config.OptionStatus;
import dev.emperor.config.OptionTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Build-time generator of the manual page emperor(8) (roff) and the bash completion, both from the
 * command line's picocli model and the option table, so that they can never drift from the code
 * (docs/operations.md, "Package layout"). Run by the build: {@code ManPage OUTDIR} writes
 * {@code OUTDIR/emperor.8} and {@code OUTDIR/emperor.bash}. Roff is written directly: picocli-codegen
 * only produces AsciiDoc, and converting that would need Asciidoctor (Ruby or JRuby) in the build.
 */
public final class ManPage {
    private static final Pattern DEFAULT = Pattern.compile("\\((?:bare: [^)]*; )?default:? ([^)]*)\\)");

    private ManPage() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ManPage OUTDIR");
            System.exit(2);
        }
        Path out = Files.createDirectories(Path.of(args[0]));
        CommandLine cl = commandLine();
        Files.writeString(out.resolve("emperor.8"), roff(cl), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("emperor.bash"), AutoComplete.bash("emperor", cl), StandardCharsets.UTF_8);
    }

    /** The daemon's command line with its subcommands, as {@link Main} builds it. */
    static CommandLine commandLine() {
        CommandLineOptions cli = new CommandLineOptions();
        cli.commandLine().addSubcommand("ctl", new CommandLine(new Ctl()));
        return cli.commandLine();
    }

    static String roff(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        StringBuilder r = new StringBuilder();
        r.append(".\\\" Generated at build time by dev.emperor.cli.ManPage from the picocli model; do not edit.\n");
        r.append(".TH EMPEROR 8 \"\" \"emperor ").append(Version.VERSION).append("\" \"System Administration\"\n");
        section(r, "NAME");
        r.append("emperor \\- a drop\\-in, uWSGI\\-compatible Emperor daemon\n");
        section(r, "SYNOPSIS");
        r.append(".B emperor\n[\\fIOPTIONS\\fR] [\\fICONFIG.ini\\fR ...]\n.br\n");
        r.append(".B emperor ctl\n\\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n.br\n");
        r.append(".B emperor\n\\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR\n");
        section(r, "DESCRIPTION");
        para(r, "emperor governs a set of uWSGI instances (vassals), one per configuration file found by its "
                + "imperial monitors, exactly as uWSGI's Emperor does: it starts a vassal for every file, reloads it "
                + "when the file is touched, stops it when the file goes away, throttles vassals that keep dying, and "
                + "speaks uWSGI's emperor pipe protocol to them. Configuration is uWSGI's: the same ini dialect, "
                + "option names and defaults, and UWSGI_* environment variables.");
        for (String line : spec.usageMessage().description()) {
            r.append(esc(line)).append('\n');
        }
        section(r, "OPTIONS");
        para(r, "Every option is written --name VALUE or --name=VALUE on the command line and name = VALUE in an "
                + "ini file. Boolean options take true/false, on/off, yes/no or 1/0; a bare --name means true. "
                + "Options marked (repeatable) add a value each time they are given; the others keep the last one.");
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            option(r, o, true);
        }
        section(r, "UWSGI OPTIONS WITHOUT EFFECT");
        para(r, "Accepted, with one warning each, so that an existing uWSGI Emperor configuration keeps working: "
                + names(OptionStatus.IGNORED) + ".");
        section(r, "UWSGI OPTIONS NOT SUPPORTED YET");
        para(r, "Refused with \"not supported yet\" (exit status 1) unless the value means off, because running "
                + "without them could be unsafe: " + names(OptionStatus.NOT_YET) + ".");
        section(r, "COMMANDS");
        CommandLine ctl = cl.getSubcommands().get("ctl");
        r.append(".SS \"emperor ctl\"\n");
        for (String line : ctl.getCommandSpec().usageMessage().description()) {
            r.append(esc(line)).append('\n');
        }
        for (OptionSpec o : ctl.getCommandSpec().options()) {
            if (!o.hidden()) {
                option(r, o, false);
            }
        }
        for (CommandLine sub : ctl.getSubcommands().values()) {
            CommandSpec s = sub.getCommandSpec();
            r.append(".TP\n.B ctl ").append(esc(s.name()));
            s.positionalParameters().forEach(p -> r.append(" \\fI").append(esc(p.paramLabel())).append("\\fR"));
            r.append('\n').append(esc(String.join(" ", s.usageMessage().description()))).append('\n');
        }
        r.append(".PP\nExit status of emperor ctl:\n");
        for (String line : ctl.getCommandSpec().usageMessage().footer()) {
            r.append(".br\n").append(esc(line.trim())).append('\n');
        }
        section(r, "SIGNALS");
        item(r, "TERM, INT", "Ragnarok: stop every vassal (stop byte 0, or 2 with emperor-graceful-shutdown), wait up "
                + "to reload-mercy seconds, then SIGKILL their process groups; reap whatever is left; exit 0.");
        item(r, "HUP", "reload every vassal (byte 1 on its emperor pipe); the Emperor itself keeps running. Under "
                + "systemd it reports RELOADING=1 and then READY=1.");
        item(r, "USR1", "log one line per vassal, in uWSGI's format.");
        item(r, "URG", "clear the blacklist of throttled vassals.");
        item(r, "WINCH", "rescan the monitors now.");
        item(r, "QUIT", "not usable: the Java runtime reserves it (thread dumps); use TERM to stop the Emperor.");
        section(r, "EXIT STATUS");
        item(r, "0", "clean shutdown after TERM or INT, or --help, --version.");
        item(r, "1", "configuration or start-up error (malformed line, missing include, unknown option on the "
                + "command line, an option not supported yet, nothing to govern, a refused privilege setting), "
                + "printed on standard error with file, line and option.");
        section(r, "FILES");
        item(r, "/etc/emperor/emperor.ini", "the configuration read by the systemd unit (emperor = /etc/uwsgi/vassals).");
        item(r, "/etc/uwsgi/vassals/", "the vassal configurations, one uWSGI instance per file.");
        item(r, "/etc/emperor/logback.xml", "the log configuration, if present.");
        item(r, "/lib/systemd/system/emperor.service", "the systemd unit (Type=notify).");
        item(r, "/run/uwsgi/", "runtime directory for vassal sockets (group www-data, mode 0775).");
        item(r, "/var/cache/emperor/", "the class-data-sharing archive written by the daemon for a faster start.");
        item(r, "/var/log/emperor/", "per-vassal log files, when emperor-vassal-logs points there (rotated by "
                + "/etc/logrotate.d/emperor).");
        item(r, "/usr/share/emperor/emperor.jar", "the program.");
        section(r, "ENVIRONMENT");
        item(r, "UWSGI_*", "every option can be given as UWSGI_NAME (upper case, '-' as '_'), as in uWSGI.");
        item(r, "NOTIFY_SOCKET", "the systemd notification socket: READY=1, STATUS=, RELOADING=1, STOPPING=1 are "
                + "sent there. Never passed on to vassals.");
        item(r, "WATCHDOG_USEC, WATCHDOG_PID", "systemd's watchdog: WATCHDOG=1 every WATCHDOG_USEC/2, sent by the "
                + "event loop. Never passed on to vassals.");
        item(r, "JAVA_HOME", "the Java runtime (17 or newer) used by the launcher; default: java on PATH.");
        item(r, "EMPEROR_JAR", "the jar the launcher runs.");
        item(r, "EMPEROR_LOGBACK", "the logback configuration file.");
        item(r, "EMPEROR_CDS_DIR", "cache directory for the class-data-sharing archive; the daemon writes it there "
                + "(the unit sets it to /var/cache/emperor). Without it no archive is written.");
        item(r, "EMPEROR_CDS=0", "no class-data-sharing archive.");
        item(r, "EMPEROR_JAVA_OPTS", "more JVM options, after the launcher's own.");
        section(r, "SEE ALSO");
        r.append(".BR uwsgi (1),\n.BR systemd.service (5),\n.BR sd_notify (3),\n.BR journalctl (1)\n");
        return r.toString();
    }

    /** @param uwsgi true for the daemon's own (uWSGI) options, described further by the option table */
    private static void option(StringBuilder r, OptionSpec o, boolean uwsgi) {
        List<String> forms = new ArrayList<>();
        for (String n : o.names()) {
            String form = "\\fB" + esc(n) + "\\fR";
            if (o.arity().max() > 0) {
                form += o.arity().min() == 0 ? "[=\\fI" + esc(o.paramLabel()) + "\\fR]" : " \\fI" + esc(o.paramLabel()) + "\\fR";
            }
            forms.add(form);
        }
        r.append(".TP\n").append(String.join(", ", forms)).append('\n');
        String description = String.join(" ", o.description());
        OptionDef def = !uwsgi ? null : OptionTable.lookup(o.longestName().replaceFirst("^-+", ""));
        StringBuilder text = new StringBuilder(description);
        if (def != null) {
            if (description.startsWith("2.1: ")) {
                text.replace(0, 5, "");
                text.append(" (an option of uWSGI 2.1)");
            }
            if (def.kind() == OptionKind.LIST && !description.contains("repeatable")) {
                text.append(" (repeatable)");
            }
            if (!DEFAULT.matcher(description).find()) {
                text.append(". Default: ").append(implicitDefault(def)).append('.');
            }
        }
        r.append(esc(text.toString().replace("  ", " "))).append('\n');
    }

    /** The default of an option whose description does not state one: what "not given" means. */
    private static String implicitDefault(OptionDef def) {
        Matcher m = DEFAULT.matcher(def.description());
        if (m.find()) {
            return m.group(1);
        }
        return switch (def.kind()) {
            case BOOL -> "off";
            case LIST -> "none";
            default -> "unset";
        };
    }

    private static String names(OptionStatus status) {
        List<String> n = new ArrayList<>();
        for (OptionDef d : OptionTable.all()) {
            if (d.status() == status) {
                n.add(d.name());
            }
        }
        return String.join(", ", n);
    }

    private static void section(StringBuilder r, String name) {
        r.append(".SH ").append(name).append('\n');
    }

    private static void para(StringBuilder r, String text) {
        r.append(".PP\n").append(esc(text)).append('\n');
    }

    private static void item(StringBuilder r, String tag, String text) {
        r.append(".TP\n.B ").append(esc(tag)).append('\n').append(esc(text)).append('\n');
    }

    /** Roff-safe text: backslashes, hyphens (as minus signs), and no control character at a line start. */
    static String esc(String s) {
        String t = s.replace("\\", "\\e").replace("-", "\\-");
        if (t.startsWith(".") || t.startsWith("'")) {
            t = "\\&" + t;
        }
        return t.replace("\n.", "\n\\&.").replace("\n'", "\n\\&'");
    }
}
