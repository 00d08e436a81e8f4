package dev.emperor.daemon;

import dev.emperor.Version;
import dev.emperor.command.CommandSocket;
import dev.emperor.config.EmperorConfig;
import dev.emperor.control.EmperorCommands;
import dev.emperor.core.Blacklist;
import dev.emperor.core.EmperorLog;
import dev.emperor.core.EmperorLoop;
import dev.emperor.core.Lifecycle;
import dev.emperor.core.LoopClock;
import dev.emperor.core.LoopHooks;
import dev.emperor.core.LoopParts;
import dev.emperor.core.LoopSettings;
import dev.emperor.core.Signals;
import dev.emperor.core.SnapshotFactory;
import dev.emperor.hooks.EmperorHookRunner;
import dev.emperor.hooks.VassalHookChain;
import dev.emperor.internal.Native;
import dev.emperor.log.LogOutput;
import dev.emperor.log.StartupTrace;
import dev.emperor.source.Monitor;
import dev.emperor.monitor.OnDemandDiscovery;
import dev.emperor.monitor.Scanner;
import dev.emperor.source.MonitorContext;
import dev.emperor.source.TyrantCheck;
import dev.emperor.internal.UserDatabase;
import dev.emperor.source.VassalNames;
import dev.emperor.spawn.ArgvBuilder;
import dev.emperor.spawn.BinaryResolver;
import dev.emperor.spawn.HelperChildren;
import dev.emperor.spawn.Spawner;
import dev.emperor.spawn.Trampoline;
import dev.emperor.spawn.VassalEnvironment;
import dev.emperor.spawn.VassalLogs;
import dev.emperor.stats.ControlRoutes;
import dev.emperor.stats.MetricsEndpoint;
import dev.emperor.stats.StatsServer;
import dev.emperor.stats.UiRoute;
import dev.emperor.upgrade.ExecTarget;
import dev.emperor.upgrade.InPlaceUpgrade;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Wires one running Emperor from a finished configuration: the process-level options (pidfile,
 * procname, subreaper), the monitors and their scanner thread, the spawner, the stats server and
 * the event loop; then runs the loop until Ragnarok.
 */
public final class Daemon {
    private static final String SETPRIV = "/usr/bin/setpriv";
    private static final String UNSHARE = "/usr/bin/unshare";
    /** How often a vassal waiting for its fork server tries to connect (the base is loading its app). */
    private static final long BASE_RETRY_MS = 50;

    private final EmperorConfig config;
    private final Native nat;
    private final EmperorLog log;
    private final boolean statsMinified;
    private final boolean statsHttpOnly;

    /**
     * @param statsHttpOnly uWSGI's {@code stats-http}: the stats address speaks HTTP only — a client
     *                      that sends nothing gets nothing (as uWSGI's stats-http), so a browser that
     *                      opens a connection early and sends its request late still gets HTTP
     */
    public Daemon(EmperorConfig config, Native nat, boolean statsMinified, boolean statsHttpOnly) {
        this.config = config;
        this.nat = nat;
        this.statsMinified = statsMinified;
        this.statsHttpOnly = statsHttpOnly;
        this.log = new EmperorLog(config.logDate(), System::currentTimeMillis);
    }

    /** Runs the Emperor; returns the process exit status. */
    public int run() {
        LogOutput.useJson(config.jsonLogs());
        LogOutput.recheckJournal(); // logto/daemonize may have moved fd 2 off the journal
        Path base = config.chdir() != null ? config.startupCwd().resolve(config.chdir()) : config.startupCwd();
        // before procname overwrites the command line the next upgrade execs again (docs/upgrade.md)
        ExecTarget execTarget = ExecTarget.current();
        Map<String, String> env = InPlaceUpgrade.withoutUpgradeVariables(System.getenv());
        Upgrades upgrades = Upgrades.arriving(System.getenv(), nat, log);
        if (config.procname() != null) {
            nat.setProcessName(config.procname());
            int refused = nat.setCommandLine(config.procname());
            if (refused != 0) {
                log.plain("emperor-procname: ps still shows the java command line (" + nat.strerror(refused)
                        + "); the process name (comm) is \"" + config.procname() + "\"");
            }
        }
        if (!nat.setChildSubreaper()) {
            if (config.subreaperRequired()) {
                log.error("*** DANGER: your kernel misses PR_SET_CHILD_SUBREAPER feature, required by the fork server ***");
                return 1;
            }
            log.warn("*** DANGER: your kernel misses PR_SET_CHILD_SUBREAPER feature: orphans of vassals will not be reaped by the Emperor ***");
        }
        Trampoline trampoline;
        try {
            trampoline = PrivilegeTools.trampoline(config, nat.getuid(), nat.capabilities(), executable(SETPRIV), executable(UNSHARE), log);
        } catch (PrivilegeTools.Refused e) {
            log.error("[emperor] " + e.getMessage() + ": refusing to start");
            return 1;
        }
        if (config.hooks().anyInVassal()) {
            trampoline.hooks(new VassalHookChain(config.hooks())); // docs/hooks.md, "In the vassal's exec chain"
        }
        if (config.pidfile() != null) {
            writePidfile(base.resolve(config.pidfile()));
        }
        VassalNames names = new VassalNames(config.extraExtensions());
        List<Monitor> monitors;
        try {
            monitors = Monitors.build(config.monitors(), new MonitorContext(base, names, config.nofollow(),
                    config.collectAttrs(), config.tyrant() ? new TyrantCheck(config.nofollow() || config.tyrantNofollow(),
                            config.tyrantInitgroups(), UserDatabase.system()) : null, log),
                    config.pgChannel(), Duration.ofSeconds(config.freq()));
        } catch (IllegalArgumentException e) {
            log.error(e.getMessage()); // dir:// of a missing directory, a refused kind: fatal, as uWSGI's chdir() failure
            return 1;
        }
        for (String value : config.monitors()) {
            if (Monitors.awaitedDirectory(value, base, names)) {
                // README "Running it": not fatal, a mount may come later; the scans pick it up when it appears
                log.error("[emperor] emperor = " + value + config.where("emperor " + value) + ": no such directory "
                        + base.resolve(value) + "; watching for it, its vassals start when it appears");
            }
        }
        List<String> arguments = new ArrayList<>();
        monitors.forEach(m -> arguments.add(m.argument()));

        VassalEnvironment environment = new VassalEnvironment(env, config.env(), config.unenv());
        Spawner spawner = new Spawner(nat,
                new ArgvBuilder(config.vassalsInheritBefore(), config.vassalsIncludeBefore(), config.vassalSet(),
                        config.vassalsInherit(), config.vassalsInclude(), config.extraExtensions()).withMagicExec(config.magicExec()),
                new BinaryResolver(config.wrapperOverride(), config.wrapper(), config.binaryPath(), config.wrapperFallback()),
                environment,
                config.safeFds(),
                trampoline);
        spawner.log(log);
        spawner.attrs(AttrOptions.check(config, log));
        if (config.vassalLogs() != null) {
            spawner.vassalLogs(new VassalLogs(nat, base.resolve(config.vassalLogs()), config.tyrant()));
        }

        ScannerLink scannerLink = new ScannerLink(); // the scanner is attached below: it posts to the loop
        long mercyMs = (config.reloadMercy() > 0 ? config.reloadMercy() : 30) * 1000L;
        // deadlines on the monotonic clock, wall time only where uWSGI shows it (docs/reliability-time.md)
        LoopClock clocks = LoopClock.system();
        HelperChildren helpers = new HelperChildren(nat);
        LoopHooks hooks = SdNotify.fromEnvironment(env, nat.getpid(), log);
        EmperorHookRunner hookRunner = new EmperorHookRunner(config.hooks(), helpers, HookEvents.emperorEnvironment(
                System.getenv(), config.env(), config.unenv()), base, clocks::monotonicMs, EmperorHookRunner.TIMEOUT_MS, log);
        HookEvents hookEvents = new HookEvents(new SpawnOrAdopt(spawner, config.forkServer(), config.forkServerAttr(),
                config.vassalForkBase(), socketTimeoutMs(), clocks::monotonicMs), hookRunner);
        EmperorLoop loop = new EmperorLoop(
                new LoopSettings(new Lifecycle.Settings(config.curseTolerance() * 1000L, config.requiredHeartbeat() * 1000L,
                        config.gracefulShutdown(), config.noBlacklist(), BASE_RETRY_MS,
                        Set.copyOf(config.vassalForkBase()), config.tyrant(), config.broodlord()),
                        mercyMs, socketTimeoutMs(), config.listen(), config::suspends),
                new LoopParts(nat, hookEvents, log, clocks, new Blacklist(config.throttleMs(), config.maxThrottleMs(), log),
                        new SnapshotFactory(Version.STATS_VERSION, nat.getpid(), nat.getuid(), nat.getgid(), base.toString(),
                                arguments, config.tyrant()),
                        scannerLink::requestScan, scannerLink::usingReserve, helpers,
                        LoopHooks.both(hooks, LoopHooks.both(hookEvents, new ReleaseAfterBurst(new MemoryRelease(nat, log), clocks::monotonicMs)))));
        upgrades.resume(loop);
        // socket names are looked up on the scanner thread: an exec helper may take seconds, the loop never waits
        OnDemandDiscovery onDemand = OnDemandDiscovery.of(config.onDemandExtension(), config.onDemandDirectory(),
                config.onDemandExec(), nat, helpers, environment.forChild(Map.of()), OnDemandDiscovery.EXEC_TIMEOUT_MS, clocks::monotonicMs, log);
        if (onDemand != null) {
            onDemand.underTyrant(config.tyrant());
        }
        AtomicReference<DeferredStats> deferredStats = new AtomicReference<>();
        Scanner scanner = new Scanner(monitors, Duration.ofSeconds(config.freq()), results -> {
            List<dev.emperor.source.ScanResult> annotated = onDemand == null ? results : onDemand.annotate(results);
            StartupTrace.scanned();
            loop.execute(() -> {
                loop.applyScan(annotated);
                scannerLink.loopSettled(loop.settled());
                DeferredStats stats = deferredStats.get();
                if (stats != null) {
                    stats.firstScanApplied(); // its spawns are issued: now the stats server's routes (docs/operations.md)
                }
            });
        }, log);

        scannerLink.attach(scanner);
        InPlaceUpgrade upgrade = new InPlaceUpgrade(nat, log, hooks, execTarget, env, trampoline.parentDeathSignal())
                .inheritedParentDeath(!"0".equals(System.getenv(InPlaceUpgrade.PDEATHSIG_ENV)))
                .keepingCapabilities(trampoline.passedCaps());
        AtomicReference<StatsServer> statsRef = new AtomicReference<>();
        AtomicReference<CommandSocket> commandRef = new AtomicReference<>();
        // the command socket's and HTTP control's
        EmperorCommands commands = new LoopCommands(loop, () -> Upgrades.command(loop, upgrade, statsRef.get(),
                commandRef.get(), log,
                () -> UpgradeProbe.check(helpers, execTarget, env, base.toString(), clocks::monotonicMs, UpgradeProbe.TIMEOUT_MS)));
        StartupTrace.mark("daemon wired");
        log.plain("*** starting uWSGI Emperor ***");
        StatsServer stats;
        try {
            stats = bindStats(loop, upgrades); // before the scanner runs: nothing has been spawned yet
            statsRef.set(stats);
        } catch (StatsBindFailed e) {
            return 1;
        }
        CommandSocket commandSocket;
        try {
            // null without emperor-command-socket; the one handed over by an in-place upgrade if any
            commandSocket = CommandSocket.start(config, commands, log, upgrades.adoptCommand());
            commandRef.set(commandSocket);
        } catch (IOException e) {
            if (stats != null) {
                stats.close();
            }
            return 1; // fatal, as uWSGI's bind failure: already logged with the address
        }
        TriggerSocket trigger;
        try {
            trigger = TriggerSocket.start(nat, config.triggerSocket(),
                    config.chdir() != null ? config.startupCwd().resolve(config.chdir()) : config.startupCwd(),
                    config.listen(), log);
        } catch (TriggerSocket.BindFailed e) {
            if (commandSocket != null) {
                commandSocket.close();
            }
            if (stats != null) {
                stats.close();
            }
            return 1; // fatal, as master's bind_to_tcp/bind_to_unix failure: already logged with the address
        }
        StartupTrace.mark("stats and command sockets up");
        // once per Emperor: not again in the process an in-place upgrade exec'd (docs/hooks.md)
        if (!upgrades.resuming() && !hookRunner.emperorStart()) {
            // uWSGI: a failed hook-emperor-start hook exits the Emperor with status 1 before its first scan
            log.error("[emperor] hook-emperor-start failed" + config.where("hook-emperor-start") + ": refusing to start");
            hookRunner.close();
            if (commandSocket != null) {
                commandSocket.close();
            }
            if (stats != null) {
                stats.close();
            }
            return 1;
        }
        Signals.Reader signals = Signals.install(loop, scanner::requestScan, commands::upgrade, log, nat);
        if (stats != null) {
            deferredStats.set(new DeferredStats(stats, () -> statsRoutes(stats, loop, commands), nat, loop::execute, log));
        }
        scanner.start();
        StartupTrace.mark("scanner started");
        // everything long-lived is open now (the JDK's listener, selector and inotify fds included)
        nat.markAllCloseOnExec();
        int status;
        try {
            status = loop.run();
        } finally {
            if (deferredStats.get() != null) {
                deferredStats.get().firstScanApplied(); // lets its thread go: the closed server refuses to start
            }
            signals.close(); // no thread left blocked in a native call: HotSpot's exit waits 300 ms for those
            hookRunner.close();
            scanner.close();
            if (commandSocket != null) {
                commandSocket.close();
            }
            if (trigger != null) {
                trigger.close();
            }
            if (stats != null) {
                stats.close();
            }
        }
        return status;
    }

    private static String executable(String path) {
        return Files.isExecutable(Path.of(path)) ? path : null;
    }

    private long socketTimeoutMs() {
        return Math.max(1, config.socketTimeout()) * 1000L;
    }

    /**
     * Why the daemon must not start with this configuration, or null: HTTP control
     * ({@code emperor-stats-control}) on a stats address that is neither loopback nor a UNIX socket,
     * without {@code emperor-stats-control-any-address}. Checked before anything is bound or spawned.
     */
    public static String startupRefusal(EmperorConfig config) {
        return ControlRoutes.addressRefusal(config.statsAddress(), config.statsControl(), config.statsControlAnyAddress());
    }

    /** The stats server, bound (or adopted from an in-place upgrade) but not serving yet: {@link DeferredStats}. */
    private StatsServer bindStats(EmperorLoop loop, Upgrades upgrades) {
        if (config.statsAddress() == null) {
            if (config.statsControl()) {
                log.warn("[emperor] emperor-stats-control has no effect without emperor-stats");
            }
            return null;
        }
        Duration timeout = Duration.ofSeconds(config.socketTimeout());
        StatsServer server = new StatsServer(config.statsAddress(), config.listen(), config.chmodSocket(), timeout,
                loop::snapshot, statsMinified,
                statsHttpOnly ? timeout.plusDays(1) : StatsServer.DEFAULT_SNIFF_WINDOW, StatsServer.DEFAULT_MAX_CONNECTIONS, log);
        server.onResourceError(loop::countResourceError);
        upgrades.adoptStats(server);
        try {
            server.bind();
            log.plain("*** Emperor stats server enabled on " + config.statsAddress() + " fd: "
                    + server.fd().orElse(-1) + " ***");
            if (config.statsControl()) {
                log.plain("*** Emperor HTTP control enabled on " + config.statsAddress() + " ***");
            }
            return server;
        } catch (IOException e) {
            // README "Running it": the operator asked for stats; running blind (as uWSGI does) would hide it
            log.error("[emperor] emperor-stats = " + config.statsAddress() + config.where("emperor-stats")
                    + ": cannot bind the stats server: " + e.getMessage() + "; refusing to start");
            throw new StatsBindFailed();
        }
    }

    /** The routes beyond {@code GET /stats}; on DeferredStats' thread, before the server serves. */
    private void statsRoutes(StatsServer server, EmperorLoop loop, EmperorCommands commands) {
        UiRoute.register(server.router(), config.statsControl());
        server.router().get("/metrics", new MetricsEndpoint(loop::snapshot, loop::execute, System::currentTimeMillis));
        EmperorCommands controller = config.statsControl() ? commands : null;
        ControlRoutes.install(server.router(), loop::snapshot, controller, config.statsControlAnyAddress());
    }

    /** The stats address could not be bound: already logged, the start is refused. */
    private static final class StatsBindFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StatsBindFailed() {
            super(null, null, false, false);
        }
    }

    private void writePidfile(Path path) {
        try {
            PidFileWriter.writePid(path, nat.getpid(), log);
        } catch (IOException e) {
            log.error("[emperor] cannot write pidfile " + path + ": " + e.getMessage());
        }
    }
}
