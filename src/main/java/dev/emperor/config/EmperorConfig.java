package dev.emperor.config;

import dev.emperor.hooks.HookConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The daemon's whole configuration after every ini file, include, placeholder and command-line
 * option has been applied. Immutable; built by {@link ConfigLoader}. Defaults are uWSGI's.
 *
 * @param monitors             every {@code emperor} value in order (dir, glob)
 * @param freq                 {@code emperor-freq}, seconds between full rescans (default 3, at least 1)
 * @param statsAddress         {@code emperor-stats}/{@code emperor-stats-server}, null = none
 * @param throttleMs           {@code emperor-throttle} (default 1000)
 * @param maxThrottleMs        {@code emperor-max-throttle} (default 180000)
 * @param noBlacklist          {@code emperor-no-blacklist}
 * @param requiredHeartbeat    {@code emperor-required-heartbeat} seconds (default 30)
 * @param curseTolerance       {@code emperor-curse-tolerance} seconds (default 30)
 * @param reloadMercy          {@code reload-mercy} seconds; 0 = unset (Ragnarok then uses 30)
 * @param gracefulShutdown     {@code emperor-graceful-shutdown}: stop byte 2 instead of 0
 * @param nofollow             {@code emperor-nofollow}
 * @param extraExtensions      {@code emperor-extra-extension} values
 * @param binaryPath           {@code binary-path}, null = "uwsgi" from PATH
 * @param wrapper              {@code emperor-wrapper}, null = none
 * @param wrapperOverride      {@code emperor-wrapper-override} values
 * @param wrapperFallback      {@code emperor-wrapper-fallback} values
 * @param vassalsInheritBefore {@code vassals-inherit-before}
 * @param vassalsIncludeBefore {@code vassals-include-before}
 * @param vassalSet            {@code vassals-set}/{@code vassal-set} ("k=v")
 * @param vassalsInherit       {@code vassals-inherit}
 * @param vassalsInclude       {@code vassals-include}
 * @param pidfile              {@code emperor-pidfile}, null = none
 * @param logto                {@code logto}/{@code logto2}, null = stdout/stderr
 * @param daemonize            {@code daemonize}/{@code daemonize2} log file, null = foreground
 * @param procname             {@code emperor-procname}, null = unchanged
 * @param uid                  {@code uid} (name or number), null = unchanged
 * @param gid                  {@code gid} (name or number), null = unchanged
 * @param socketTimeout        {@code socket-timeout} seconds (default 4)
 * @param listen               {@code listen} backlog (default 100)
 * @param chmodSocket          {@code chmod-socket} octal mode for a UNIX stats socket, null = umask
 * @param logDate              {@code log-date}: null = off, "" = ctime prefix, else a strftime format
 * @param env                  {@code env} values ("K=V"), applied to the environment vassals inherit
 * @param unenv                {@code unenv} names removed from it
 * @param chdir                {@code chdir}, null = stay
 * @param safeFds              {@code safe-fd} numbers kept open for vassals
 * @param placeholders         every key/value seen (options and placeholders), first occurrence wins
 * @param startupCwd           the cwd the daemon was started in (glob monitors resolve against it)
 * @param forkServer           {@code emperor-use-fork-server}: UNIX socket of the base vassal's fork server, null = none
 * @param vassalForkBase       {@code vassal-fork-base}: names spawned plainly even with a fork server
 * @param subreaper            {@code emperor-subreaper}
 * @param collectAttrs         {@code emperor-collect-attr}: keys read from a vassal's {@code [emperor]} section
 * @param forkServerAttr       {@code emperor-fork-server-attr}: the attribute whose value overrides the fork server
 * @param commandSocket        {@code emperor-command-socket}: UDP {@code host:port} or UNIX datagram path, null = none
 * @param waitForCommand       {@code emperor-wait-for-command} (only with a command socket, as in uWSGI)
 * @param waitForCommandIgnore {@code emperor-wait-for-command-ignore}: names that start without waiting
 * @param statsControl         {@code emperor-stats-control}: POST control requests allowed on the stats address
 * @param statsControlAnyAddress {@code emperor-stats-control-any-address}: ... even when it is not loopback/UNIX
 * @param tyrant               {@code emperor-tyrant}: each vassal runs as the owner of its config file
 * @param tyrantNofollow       {@code emperor-tyrant-nofollow}: the owner of a symlink is the link's own (lstat)
 * @param tyrantInitgroups     {@code emperor-tyrant-initgroups}: the owner's supplementary groups instead of none
 * @param caps                 {@code emperor-cap}: capability names kept in the vassals' bounding set (+ setpcap); empty = unchanged
 * @param namespaces           {@code emperor-use-clone}: namespaces unshared for vassals (mount, uts, ipc, net); empty = none
 * @param onDemandExtension    {@code emperor-on-demand-extension}/{@code -ext}: sidecar suffix, null = none
 * @param onDemandDirectory    {@code emperor-on-demand-directory}/{@code -dir}: socket directory, null = none
 * @param onDemandExec         {@code emperor-on-demand-exec}: command printing the socket name, null = none
 * @param logFormat            this daemon's {@code log-format}: "plain" (default) or "json" (docs/logging.md)
 * @param vassalLogs           this daemon's {@code emperor-vassal-logs}: each vassal's output goes to DIR/NAME.log, null = inherited
 * @param magicExec            {@code emperor-magic-exec}: an executable config is passed as {@code exec://NAME}
 * @param pgChannel            this daemon's {@code emperor-pg-channel}: pg:// monitors LISTEN on it, null = poll only
 * @param wrapperAttr          {@code emperor-wrapper-attr} (2.1): the attribute whose value is a vassal's own binary
 * @param chdirAttr            {@code emperor-chdir-attr} (2.1): the attribute whose value is a vassal's working directory
 * @param triggerSocket        {@code emperor-trigger-socket} (2.1): address bound as uWSGI master binds it, null = none
 * @param origins              where each option was last set ("emperor VALUE" for each monitor), for start-up errors
 * @param broodlord            {@code emperor-broodlord}: how many zerg instances may run at once, 0 = broodlord off
 * @param hooks                every hook option (docs/hooks.md)
 * @param noPdeathsig          this daemon's {@code emperor-no-pdeathsig}: vassals get no parent-death signal (docs/upgrade.md)
 */
public record EmperorConfig(
        List<String> monitors,
        int freq,
        String statsAddress,
        int throttleMs,
        int maxThrottleMs,
        boolean noBlacklist,
        int requiredHeartbeat,
        int curseTolerance,
        int reloadMercy,
        boolean gracefulShutdown,
        boolean nofollow,
        List<String> extraExtensions,
        String binaryPath,
        String wrapper,
        List<String> wrapperOverride,
        List<String> wrapperFallback,
        List<String> vassalsInheritBefore,
        List<String> vassalsIncludeBefore,
        List<String> vassalSet,
        List<String> vassalsInherit,
        List<String> vassalsInclude,
        String pidfile,
        String logto,
        String daemonize,
        String procname,
        String uid,
        String gid,
        int socketTimeout,
        int listen,
        String chmodSocket,
        String logDate,
        List<String> env,
        List<String> unenv,
        String chdir,
        List<Integer> safeFds,
        Map<String, String> placeholders,
        Path startupCwd,
        String forkServer,
        List<String> vassalForkBase,
        boolean subreaper,
        List<String> collectAttrs,
        String forkServerAttr,
        String commandSocket,
        boolean waitForCommand,
        List<String> waitForCommandIgnore,
        boolean statsControl,
        boolean statsControlAnyAddress,
        boolean tyrant,
        boolean tyrantNofollow,
        boolean tyrantInitgroups,
        List<String> caps,
        List<String> namespaces,
        String onDemandExtension,
        String onDemandDirectory,
        String onDemandExec,
        String logFormat,
        String vassalLogs,
        String pgChannel,
        boolean magicExec,
        String wrapperAttr,
        String chdirAttr,
        String triggerSocket,
        Map<String, Origin> origins,
        int broodlord,
        HookConfig hooks,
        boolean noPdeathsig) {

    public EmperorConfig {
        hooks = hooks == null ? HookConfig.NONE : hooks;
        caps = List.copyOf(caps);
        namespaces = List.copyOf(namespaces);
        origins = origins == null ? Map.of() : Map.copyOf(origins);
    }

    /** {@code log-format = json}: one JSON object per log line (docs/logging.md). */
    public boolean jsonLogs() {
        return LogFormats.JSON.equals(logFormat);
    }

    /**
     * Where an option was set, for start-up errors: " (/etc/emperor/emperor.ini:4)", or "" when unknown.
     * For a monitor pass "emperor " + its value.
     */
    public String where(String option) {
        Origin o = origins.get(option);
        return o == null ? "" : " (" + o.describe() + ")";
    }

    /** uWSGI: wait-for-command applies only when a command socket is configured. */
    public boolean suspends(String vassalName) {
        return waitForCommand && commandSocket != null && !waitForCommandIgnore.contains(vassalName);
    }

    /** True when the daemon must be a child subreaper or refuse to start (fork-server options). */
    public boolean subreaperRequired() {
        return subreaper || forkServer != null || forkServerAttr != null;
    }
}
