package dev.emperor.cli;

import dev.emperor.config.ConfigException;
import dev.emperor.config.ConfigLoader;
import dev.emperor.config.EmperorConfig;
import dev.emperor.config.RawOption;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;

/**
 * {@code emperor ctl}: drives a running Emperor through the HTTP endpoints of its stats address
 * ({@code GET /vassals}, {@code POST /vassals/NAME/VERB}, {@code POST /reload-all}). Registered as a
 * picocli subcommand of the daemon's command line; it never loads natives or starts any daemon part.
 */
@Command(name = "ctl",
        synopsisSubcommandLabel = "COMMAND",
        description = {"Talk to a running Emperor over HTTP on its stats address (emperor-stats).",
            "The address is --stats, else the emperor-stats of --ini FILE (or of daemon options given",
            "before 'ctl'), else " + Ctl.DEFAULT_STATS + ". Control commands need emperor-stats-control = true."},
        subcommands = {Ctl.Status.class, Ctl.Restart.class, Ctl.Stop.class, Ctl.Start.class, Ctl.ResetThrottle.class,
            Ctl.ReloadAll.class, Ctl.Upgrade.class},
        footerHeading = "%nExit status:%n",
        footer = {
            "  0  done",
            "  1  usage error; the Emperor could not be reached, or gave an unexpected answer",
            "  2  refused: the vassal's state does not allow it (HTTP 409)",
            "  3  no vassal of that name (HTTP 404)",
            "  4  HTTP control is disabled on the Emperor (emperor-stats-control; HTTP 403)"},
        usageHelpWidth = 100)
public final class Ctl {

    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int REFUSED = 2;
    public static final int UNKNOWN_VASSAL = 3;
    public static final int CONTROL_DISABLED = 4;
    static final String DEFAULT_STATS = "127.0.0.1:9191";

    /** Options accepted before and after the command word. */
    static final class Common {
        @Option(names = "--stats", paramLabel = "ADDR",
                description = "stats address: host:port, :port, [v6]:port or a UNIX socket path")
        String stats;

        @Option(names = "--ini", paramLabel = "FILE", description = "read emperor-stats from this emperor ini file")
        String ini;

        @Option(names = "--json", description = "print the daemon's JSON answer as is")
        boolean json;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "give up after this long (default 5)")
        Double timeout;
    }

    @Mixin
    Common common = new Common();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    /** What a command runs with. */
    record Session(CtlClient client, boolean json, PrintStream out, PrintStream err) {
    }

    abstract static class Verb {
        @Mixin
        Common common = new Common();

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        abstract int run(Session s) throws IOException;
    }

    @Command(name = "status", description = "Show every vassal: name, state, pid, uptime, respawns, throttle.")
    static final class Status extends Verb {
        @Override
        int run(Session s) throws IOException {
            CtlClient.Response r = s.client().get("/vassals");
            if (r.status() != 200) {
                return failure(s, r, "status", r.status() == 404 ? ERROR : exitCode(r.status()));
            }
            if (s.json()) {
                s.out().println(r.body());
                return OK;
            }
            List<Map<String, Object>> vassals = new ArrayList<>();
            for (Object o : (List<?>) CtlJson.object(CtlJson.parse(r.body())).getOrDefault("vassals", List.of())) {
                vassals.add(CtlJson.object(o));
            }
            s.out().print(StatusTable.render(vassals, System.currentTimeMillis() / 1000));
            return OK;
        }
    }

    abstract static class VassalVerb extends Verb {
        @Parameters(index = "0", paramLabel = "NAME", description = "the vassal, as its file name (e.g. app.ini)")
        String name;

        abstract String verb();

        @Override
        int run(Session s) throws IOException {
            CtlClient.Response r = s.client().post("/vassals/" + CtlClient.segment(name) + "/" + verb());
            int code = exitCode(r.status());
            if (code != OK) {
                return failure(s, r, verb() + " " + name, code);
            }
            if (s.json()) {
                s.out().println(r.body());
                return OK;
            }
            Map<String, Object> answer = CtlJson.object(CtlJson.parse(r.body()));
            Object v = answer.get("vassal");
            String after = "";
            if (v instanceof Map<?, ?>) {
                Map<String, Object> vassal = CtlJson.object(v);
                long pid = CtlJson.number(vassal, "pid");
                after = " (now " + CtlJson.string(vassal, "state") + (pid > 0 ? ", pid " + pid : "") + ")";
            }
            s.out().println(verb() + " " + name + ": " + CtlJson.string(answer, "message") + after);
            return OK;
        }
    }

    @Command(name = "restart", description = "Reload a running vassal (byte 1); start a stopped, throttled or exiled one now.")
    static final class Restart extends VassalVerb {
        @Override
        String verb() {
            return "restart";
        }
    }

    @Command(name = "stop", description = "Stop a vassal and keep it stopped (state suspended) until 'start'.")
    static final class Stop extends VassalVerb {
        @Override
        String verb() {
            return "stop";
        }
    }

    @Command(name = "start", description = "Start a stopped, throttled or exiled vassal now (a running one is left alone).")
    static final class Start extends VassalVerb {
        @Override
        String verb() {
            return "start";
        }
    }

    @Command(name = "reset-throttle", description = "Drop the vassal's blacklist entry; a throttled vassal starts now.")
    static final class ResetThrottle extends VassalVerb {
        @Override
        String verb() {
            return "reset-throttle";
        }
    }

    @Command(name = "reload-all", description = "Reload every running vassal, as SIGHUP does.")
    static final class ReloadAll extends Verb {
        @Override
        int run(Session s) throws IOException {
            CtlClient.Response r = s.client().post("/reload-all");
            int code = exitCode(r.status());
            if (code != OK) {
                return failure(s, r, "reload-all", code);
            }
            s.out().println(s.json() ? r.body() : "reload-all: ok");
            return OK;
        }
    }

    /**
     * In-place upgrade (docs/upgrade.md): POST /upgrade, then wait until the Emperor answers again
     * with a higher {@code upgrades} count (same pid, the new build's version). The POST's answer may
     * be lost to the exec itself: an ended connection counts as accepted.
     */
    @Command(name = "upgrade", description = "Replace the running Emperor by the installed jar and Java runtime, in place: same pid, no vassal restarted.")
    static final class Upgrade extends Verb {
        @Override
        int run(Session s) throws IOException {
            Map<String, Object> before = CtlJson.object(CtlJson.parse(s.client().get("/stats").body()));
            long upgrades = before.containsKey("upgrades") ? CtlJson.number(before, "upgrades") : 0;
            try {
                CtlClient.Response r = s.client().post("/upgrade");
                int code = exitCode(r.status());
                if (code != OK) {
                    return failure(s, r, "upgrade", code);
                }
            } catch (IOException e) {
                // the exec ended the connection before the answer left: the answer is the next stats document
            }
            long deadline = System.nanoTime() + s.client().timeoutNanos();
            while (true) {
                try {
                    Map<String, Object> after = CtlJson.object(CtlJson.parse(s.client().get("/stats").body()));
                    long now = after.containsKey("upgrades") ? CtlJson.number(after, "upgrades") : 0;
                    if (now > upgrades) {
                        s.out().println("upgrade: done, now " + CtlJson.string(after, "version") + " (pid "
                                + CtlJson.number(after, "pid") + ", " + now + " in-place upgrades)");
                        return OK;
                    }
                } catch (IOException e) {
                    // the new JVM is starting: its first document comes from the same listening socket
                }
                if (System.nanoTime() - deadline > 0) {
                    s.err().println("emperor ctl: upgrade: the Emperor did not come back upgraded in time; see its log"
                            + " (a failed exec is logged, and the old Emperor carries on)");
                    return ERROR;
                }
                // no pause: until the exec the old Emperor answers at once, and from then on a request waits
                // in the kept listen backlog until the new one serves it
            }
        }
    }

    /** The exit status for an HTTP status. */
    static int exitCode(int httpStatus) {
        return switch (httpStatus) {
            case 200 -> OK;
            case 409 -> REFUSED;
            case 404 -> UNKNOWN_VASSAL;
            case 403 -> CONTROL_DISABLED;
            default -> ERROR;
        };
    }

    private static int failure(Session s, CtlClient.Response r, String what, int code) {
        if (s.json() && r.isJson()) {
            s.out().println(r.body());
        }
        String message = r.body().strip();
        if (r.isJson()) {
            try {
                message = CtlJson.string(CtlJson.object(CtlJson.parse(r.body())), "message");
            } catch (IOException e) {
                // keep the raw body
            }
        }
        String prefix = code == REFUSED ? what + " refused: " : code == ERROR ? what + ": HTTP " + r.status() + ": " : "";
        s.err().println("emperor ctl: " + prefix + message);
        return code;
    }

    /**
     * Runs the parsed {@code ctl} command line.
     *
     * @param ctl    picocli's result for {@code ctl}
     * @param before daemon options given before {@code ctl} (their {@code emperor-stats} is the default address)
     */
    static int run(ParseResult ctl, List<RawOption> before, PrintStream out, PrintStream err) {
        CommandLine ctlLine = ctl.commandSpec().commandLine();
        if (ctl.isUsageHelpRequested()) {
            ctlLine.usage(out, CommandLine.Help.Ansi.OFF);
            return OK;
        }
        if (!ctl.hasSubcommand()) {
            err.println("emperor ctl: missing command (status, restart, stop, start, reset-throttle, reload-all, upgrade)");
            ctlLine.usage(err, CommandLine.Help.Ansi.OFF);
            return ERROR;
        }
        ParseResult verbResult = ctl.subcommand();
        if (verbResult.isUsageHelpRequested()) {
            verbResult.commandSpec().commandLine().usage(out, CommandLine.Help.Ansi.OFF);
            return OK;
        }
        Common outer = ((Ctl) ctl.commandSpec().userObject()).common;
        Verb verb = (Verb) verbResult.commandSpec().userObject();
        Common inner = verb.common;
        String address;
        try {
            address = statsAddress(first(inner.stats, outer.stats), first(inner.ini, outer.ini), before);
        } catch (ConfigException e) {
            err.println("emperor ctl: " + e.getMessage());
            return ERROR;
        }
        Double timeout = first(inner.timeout, outer.timeout);
        Duration limit = Duration.ofMillis(Math.round((timeout == null || timeout <= 0 ? 5 : timeout) * 1000));
        try {
            CtlClient client = new CtlClient(address, limit);
            return verb.run(new Session(client, inner.json || outer.json, out, err));
        } catch (IOException e) {
            err.println("emperor ctl: cannot talk to the Emperor at " + address + ": " + describe(e));
            return ERROR;
        } catch (RuntimeException e) {
            err.println("emperor ctl: unexpected answer from " + address + ": " + e);
            return ERROR;
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static <T> T first(T a, T b) {
        return a != null ? a : b;
    }

    /** --stats, else the ini's emperor-stats, else the options given before ctl, else the default. */
    static String statsAddress(String stats, String ini, List<RawOption> before) throws ConfigException {
        if (stats != null) {
            return stats;
        }
        List<RawOption> options = ini != null ? List.of(RawOption.of("ini", ini)) : before;
        if (options.isEmpty()) {
            return DEFAULT_STATS;
        }
        quietConfigLog();
        EmperorConfig config = ConfigLoader.load(options, System.getenv(), Path.of("").toAbsolutePath()).config();
        if (config == null || config.statsAddress() == null) {
            throw new ConfigException(null, null, (ini != null ? ini : "the options before 'ctl'")
                    + " set no emperor-stats address: pass --stats ADDR");
        }
        return config.statsAddress();
    }

    /** The config loader logs "getting INI configuration from ..." at INFO: noise for a ctl command. */
    private static void quietConfigLog() {
        if (org.slf4j.LoggerFactory.getLogger("dev.emperor.config") instanceof ch.qos.logback.classic.Logger l) {
            l.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }
}
