package dev.emperor.cli;

import dev.emperor.Version;
import dev.emperor.config.ConfigException;
import dev.emperor.config.ConfigLoader;
import dev.emperor.config.EmperorConfig;
import dev.emperor.config.LoadResult;
import dev.emperor.core.EmperorLog;
import dev.emperor.daemon.Daemon;
import dev.emperor.daemon.PidFileWriter;
import dev.emperor.daemon.ProcessSetup;
import dev.emperor.internal.JnrNative;
import dev.emperor.internal.Native;
import dev.emperor.log.LogOutput;
import dev.emperor.log.LogSetup;
import dev.emperor.log.StartupTrace;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * {@code emperor [OPTIONS] [FILE.ini ...]}: parse the command line and the ini files the uWSGI
 * way, apply the process-level options, and govern. Exit status: 0 after a clean shutdown (or
 * {@code --help}/{@code --version}), 1 for any configuration or start-up error, which is printed
 * on stderr naming the file, line and option. {@code emperor ctl ...} talks to a running daemon
 * instead ({@link Ctl}, with its own exit statuses).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        StartupTrace.mark("main");
        // the second core sets logback up while this thread reads the command line and the ini files and
        // binds libc (docs/operations.md, "Start-up trace": a third thread for libc only made both slower)
        if (daemonRun(args)) {
            LogSetup.startInBackground();
        }
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        ParsedArgs parsed;
        LoadResult loaded;
        Native nat = null;
        try {
            parsed = QuickArgs.parse(args);
            if (parsed == null) {
                LogSetup.await(); // picocli's path and ctl may log: slf4j must be ready first
                CommandLineOptions cli = new CommandLineOptions();
                cli.commandLine().addSubcommand("ctl", new CommandLine(new Ctl()));
                parsed = cli.parseArgs(args);
                if (parsed.subcommand() != null) {
                    return Ctl.run(parsed.subcommand(), parsed.options(), out, err); // no natives, no daemon
                }
                if (parsed.help()) {
                    out.print(cli.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF));
                    return 0;
                }
                if (parsed.version()) {
                    out.println("emperor " + Version.VERSION + " (uWSGI Emperor compatible)");
                    return 0;
                }
            }
            StartupTrace.mark("command line parsed");
            LogOutput.hold(); // the loader's lines come out in the log-format it finds (docs/logging.md)
            LoadResult result = null;
            try {
                result = ConfigLoader.load(parsed.options(), System.getenv(), Path.of("").toAbsolutePath());
                StartupTrace.mark("ini files read");
                if (!result.imperialMonitorList() && !result.config().monitors().isEmpty()) {
                    nat = JnrNative.load(); // while logback may still be setting up on its thread
                    StartupTrace.mark("native layer loaded");
                }
            } finally {
                LogSetup.await(); // the loader's lines, kept meanwhile, now join the held ones in order
                LogOutput.release(result != null && result.config().jsonLogs());
            }
            loaded = result;
        } catch (ConfigException e) {
            err.println("emperor: " + e.getMessage());
            return 1;
        }
        if (loaded.imperialMonitorList()) {
            out.println("*** uWSGI loaded imperial monitors ***");
            dev.emperor.source.MonitorKinds.declared().listed().forEach(out::println);
            out.println("--- end of imperial monitors list ---");
            // uWSGI's block above stays as it prints it; then what an operator migrating needs to know
            dev.emperor.source.MonitorKinds.declared().refusedLines().forEach(out::println);
            return 0;
        }
        StartupTrace.mark("configuration loaded");
        EmperorConfig config = loaded.config();
        if (config.monitors().isEmpty()) {
            err.println("emperor: nothing to govern: no 'emperor' option (e.g. --emperor /etc/uwsgi/vassals)");
            return 1;
        }
        String refusal = Daemon.startupRefusal(config);
        if (refusal != null) {
            err.println("emperor: " + refusal);
            return 1;
        }
        if (nat == null) {
            nat = JnrNative.load();
        }
        PidFileWriter pidFiles;
        if (resumingAnUpgrade(System.getenv())) {
            // an in-place upgrade exec'd this process (docs/upgrade.md, "Order of events"): it is already
            // daemonized, logging where it should, written into its pidfiles and running with the
            // credentials and kept capabilities of its predecessor; doing any of it again would fail
            // (setgroups as non-root) and take every vassal down with this process
            pidFiles = new PidFileWriter(loaded.pidFiles(), config.startupCwd(), nat.getpid(),
                    new EmperorLog(config.logDate(), System::currentTimeMillis));
            if (nat.getuid() != 0) {
                try {
                    nat.setAmbientCapabilities(0); // kept across the exec; from now on raised only around a vassal's spawn
                } catch (RuntimeException e) {
                    err.println("emperor: cannot lower the ambient capabilities kept across the upgrade: " + e.getMessage());
                }
            }
            try {
                return new Daemon(config, nat, loaded.statsMinified(), loaded.statsHttp()).run();
            } finally {
                pidFiles.vacuum();
            }
        }
        try {
            if (ProcessSetup.daemonizeIfAsked(config, nat)) {
                return 0;
            }
            ProcessSetup.redirectLog(config, nat);
            pidFiles = new PidFileWriter(loaded.pidFiles(), config.startupCwd(), nat.getpid(),
                    new EmperorLog(config.logDate(), System::currentTimeMillis));
            pidFiles.writeFirst();
            if (loaded.earlyEmperor()) {
                // uWSGI runs a standalone Emperor from the early start and never returns to the privilege
                // drop and pidfile2 that follow it (docs/uwsgi-compat.md, "early-emperor")
                if (config.uid() != null || config.gid() != null) {
                    err.println("early-emperor: the Emperor keeps uid " + nat.getuid() + " / gid " + nat.getgid()
                            + " (uid/gid are not applied to an early Emperor, as in uWSGI)");
                }
            } else {
                dev.emperor.daemon.CdsPending.beforePrivilegeDrop(config, err);
                ProcessSetup.dropPrivileges(config, loaded.processCaps(), nat, err::println);
                pidFiles.writeSecond();
            }
        } catch (ProcessSetup.SetupException e) {
            err.println("emperor: " + e.getMessage());
            return 1;
        }
        try {
            return new Daemon(config, nat, loaded.statsMinified(), loaded.statsHttp()).run();
        } finally {
            pidFiles.vacuum();
        }
    }

    /** Not ctl, --help or --version (as the launcher tells them apart): those need no natives and little logging. */
    static boolean daemonRun(String[] args) {
        for (String arg : args) {
            switch (arg) {
                case "ctl", "--help", "-h", "--version", "-V", "--imperial-monitor-list", "--imperial-monitors-list" -> {
                    return false;
                }
                default -> {
                }
            }
        }
        return true;
    }

    /** The environment an in-place upgrade execs its successor with (docs/upgrade.md). */
    static boolean resumingAnUpgrade(java.util.Map<String, String> env) {
        return env.containsKey(dev.emperor.upgrade.InPlaceUpgrade.STATE_ENV)
                || env.containsKey(dev.emperor.upgrade.InPlaceUpgrade.FDS_ENV);
    }
}
