package dev.emperor.config;

import static dev.emperor.config.OptionKind.BOOL;
import static dev.emperor.config.OptionKind.INT;
import static dev.emperor.config.OptionKind.LIST;
import static dev.emperor.config.OptionKind.STRING;

import static dev.emperor.config.OptionDef.ignored;
import static dev.emperor.config.OptionDef.notYet;
import static dev.emperor.config.OptionDef.on;

import java.util.List;

/**
 * The Emperor options of uWSGI 2.0.21 and the 2.1-only ones (docs/uwsgi-compat.md, "Options"), with the
 * status this daemon gives them. Names, aliases and kinds follow {@code core/uwsgi.c: uwsgi_base_options}.
 */
final class EmperorOptionDefs {

    private EmperorOptionDefs() {
    }


    /** 2.0.21's Emperor options, Emperor side (docs/uwsgi-compat.md, "Options"). */
    static List<OptionDef> emperor() {
        return List.of(
                on("emperor", LIST, "add an imperial monitor: a directory, a glob or pg://CONNINFO;QUERY (repeatable)"),
                on("emperor-freq", INT, "seconds between full rescans (default 3, at least 1)"),
                on("emperor-stats", STRING, "stats server address: host:port or UNIX socket path",
                        "emperor-stats-server"),
                on("emperor-pidfile", STRING, "write the Emperor pid to this file"),
                on("emperor-procname", STRING, "process title of the Emperor"),
                on("emperor-nofollow", BOOL, "use lstat() for vassal files (symlinks count by their own mtime)"),
                on("emperor-required-heartbeat", INT, "heartbeat tolerance in seconds (default 30)"),
                on("emperor-curse-tolerance", INT, "seconds before SIGKILL of a stopped vassal (default 30)"),
                on("emperor-throttle", INT, "blacklist penalty step in ms (default 1000)"),
                on("emperor-max-throttle", INT, "blacklist penalty ceiling in ms (default 180000)"),
                on("emperor-no-blacklist", BOOL, "never blacklist a failing vassal"),
                on("emperor-graceful-shutdown", BOOL, "stop vassals gracefully (byte 2 instead of 0)"),
                on("emperor-extra-extension", LIST, "accept this file suffix as a vassal (gets --config)",
                        "emperor-extra-ext"),
                on("emperor-wrapper", STRING, "executable used as argv[0] of every vassal"),
                on("emperor-wrapper-override", LIST, "executables tried before the normal one"),
                on("emperor-wrapper-fallback", LIST, "executables tried after the normal one failed"),
                on("imperial-monitor-list", BOOL, "print the available imperial monitors",
                        "imperial-monitors-list"),
                on("vassals-inherit", LIST, "add --inherit FILE after each vassal config"),
                on("vassals-include", LIST, "add --include FILE after each vassal config"),
                on("vassals-inherit-before", LIST, "add --inherit FILE before each vassal config"),
                on("vassals-include-before", LIST, "add --include FILE before each vassal config"),
                on("vassals-set", LIST, "add --set K=V before each vassal config", "vassal-set"),
                on("binary-path", STRING, "uWSGI binary used for vassals (default: uwsgi from PATH)"),
                on("reload-mercy", INT, "seconds to wait for vassals at shutdown (0 = 30)"),
                on("emperor-on-demand-extension", STRING, "on-demand socket name read from the file NAME+EXT",
                        "emperor-on-demand-ext"),
                on("emperor-on-demand-directory", STRING, "on-demand socket DIR/<name without extension>.socket",
                        "emperor-on-demand-dir"),
                on("emperor-on-demand-exec", STRING, "on-demand socket name printed by CMD NAME (no shell)"),

                on("emperor-tyrant", BOOL, "run each vassal as the owner of its config (refuses root-owned ones)"),
                on("emperor-tyrant-nofollow", BOOL, "Tyrant: a symlink runs as the link's own owner (lstat())"),
                on("emperor-magic-exec", BOOL, "pass exec://NAME for configs with the executable bit (uWSGI runs them for their output)"),
                on("emperor-broodlord", INT, "broodlord: up to N NAME:zerg instances, spawned when a vassal sends SOS (vassal-sos)"),
                on("emperor-use-clone", STRING, "new namespaces for vassals: net,ipc,uts,mount (through unshare(1))"),
                on("emperor-cap", STRING, "capabilities kept in the vassals' bounding set (through setpriv(1))",
                        "vassals-cap", "vassal-cap"),
                on("early-emperor", BOOL, "the Emperor keeps its privileges: uid/gid and pidfile2 are not applied to it"),
                on("vassals-start-hook", STRING, "command run as CMD NAME in the vassal's exec chain before uwsgi"),
                on("vassals-stop-hook", STRING, "command run as CMD NAME by the Emperor after a vassal ended"),
                on("hook-emperor-start", LIST, "hooks (action:args) at Emperor start, before the first scan (fatal)"),
                on("hook-as-emperor", LIST, "hooks (action:args) in the Emperor after each spawn"),
                on("exec-as-emperor", LIST, "shell commands in the Emperor after each spawn (UWSGI_VASSAL_CONFIG/PID/UID/GID)"),
                on("mount-as-emperor", LIST, "mount (FS WHAT WHERE [FLAGS [DATA]]) in the Emperor after each spawn"),
                on("umount-as-emperor", LIST, "umount (WHERE [FLAGS]) in the Emperor after each spawn"),
                notYet("call-as-emperor", LIST, "dlsym call after each spawn"),
                notYet("call-as-emperor1", LIST, "dlsym call after each spawn"),
                notYet("call-as-emperor2", LIST, "dlsym call after each spawn"),
                notYet("call-as-emperor4", LIST, "dlsym call after each spawn"),
                on("hook-as-vassal", LIST, "hooks (action:args) in the vassal's exec chain before uwsgi (fatal)"),
                on("exec-as-vassal", LIST, "shell commands in the vassal's exec chain before uwsgi (fatal)"),
                on("mount-as-vassal", LIST, "mount in the vassal's exec chain before uwsgi (fatal)"),
                on("umount-as-vassal", LIST, "umount in the vassal's exec chain before uwsgi (fatal)"),
                notYet("call-as-vassal", LIST, "dlsym call in the child before exec"),
                notYet("call-as-vassal1", LIST, "dlsym call in the child before exec"),
                notYet("call-as-vassal3", LIST, "dlsym call in the child before exec"));
    }

    /** 2.0.21's Emperor options, vassal side: valid uWSGI, no meaning for an Emperor process. */
    static List<OptionDef> vassalSide() {
        return List.of(
                ignored("heartbeat", INT, "vassal: heartbeat period"),
                ignored("vassal-sos", INT, "vassal: ask for reinforcements"),
                ignored("vassal-sos-backlog", INT, "vassal: ask for reinforcements on backlog"),
                ignored("emperor-proxy-socket", STRING, "vassal: Emperor proxy socket"),
                ignored("hook-emperor-stop", LIST, "vassal: hook on stop"),
                ignored("hook-emperor-reload", LIST, "vassal: hook on reload"),
                ignored("hook-emperor-lost", LIST, "vassal: hook on lost Emperor"),
                ignored("idle", INT, "vassal: idle mode"),
                ignored("die-on-idle", BOOL, "vassal: exit when idle"),
                ignored("zerg", LIST, "vassal: attach to a zerg server"),
                ignored("zerg-server", STRING, "vassal: zerg server"),
                ignored("zerg-fallback", BOOL, "vassal: zerg fallback"),
                ignored("worker-reload-mercy", INT, "vassal: worker reload timeout"),
                ignored("mule-reload-mercy", INT, "vassal: mule reload timeout"));
    }

    /** uWSGI master (2.1-dev) only (docs/uwsgi-compat.md, "Options"). */
    static List<OptionDef> uwsgi21() {
        return List.of(
                on("emperor-tyrant-initgroups", BOOL, "2.1: Tyrant keeps the owner's supplementary groups (needs a passwd entry)"),
                on("emperor-trigger-socket", STRING, "2.1: bound (host:port or UNIX path) as master binds it; master reads nothing from it"),
                on("emperor-command-socket", STRING, "2.1: UDP host:port or UNIX datagram path for spawn/respawn/stop/log commands"),
                on("emperor-wait-for-command", BOOL, "2.1: new vassals stay suspended until a spawn command"),
                on("emperor-wait-for-command-ignore", LIST, "2.1: vassals that start without waiting"),
                on("emperor-use-fork-server", STRING, "2.1: fork server socket of the base vassal; other vassals are adopted"),
                on("vassal-fork-base", LIST, "2.1: vassals spawned plainly (the fork-server bases)"),
                on("emperor-stats-control", BOOL, "this daemon: allow POST control requests on the stats address (loopback/UNIX only)"),
                on("emperor-stats-control-any-address", BOOL, "this daemon: allow HTTP control on a non-loopback stats address too"),
                // uWSGI's log-format is an alias of logformat (request logs, vassals only): a value with %(...) is
                // still ignored as before, "plain" and "json" are ours (docs/logging.md)
                on("log-format", STRING, "this daemon: plain (uWSGI's lines, default) or json (one JSON object per line)"),
                on("emperor-vassal-logs", STRING, "this daemon: each vassal's stdout/stderr go to DIR/NAME.log (O_APPEND)"),
                on("emperor-no-pdeathsig", BOOL, "this daemon: vassals without uWSGI's parent-death signal (they end on"
                        + " their pipe's EOF instead); in-place upgrades are then never refused"),
                on("emperor-pg-channel", STRING, "this daemon: pg:// monitors LISTEN on this channel and rescan at each NOTIFY"),
                on("emperor-subreaper", BOOL, "2.1: become a child subreaper (refuse to start without it)"),
                on("emperor-collect-attribute", LIST, "2.1: attribute keys read from the [emperor] section of .ini vassals",
                        "emperor-collect-attr"),
                on("emperor-fork-server-attr", STRING, "2.1: attribute naming a per-vassal fork server"),
                on("emperor-wrapper-attr", STRING, "2.1: attribute whose value is the vassal's binary (argv[0])"),
                on("emperor-chdir-attr", STRING, "2.1: attribute whose value is the vassal's working directory"),
                notYet("fork-socket", STRING, "2.1: be a fork server (a vassal's role; RefusalReasons)", "fork-server"),
                notYet("zeus", STRING, "2.1: Zeus mode (unfinished in master; RefusalReasons)"),
                on("hook-as-on-demand-vassal", LIST, "2.1: hooks in the Emperor when an on-demand vassal goes to sleep (a failure removes it)"),
                on("hook-as-on-config-vassal", LIST, "2.1: hooks in the Emperor when a sleeping on-demand vassal's config changed (a failure curses it)"),
                on("hook-as-emperor-before-vassal", LIST, "2.1: hooks first in the vassal's exec chain, as the Emperor (a failure fails the start)"),
                on("hook-as-vassal-before-drop", LIST, "2.1: hooks in the vassal's exec chain before caps and Tyrant drop (fatal)"),
                notYet("hook-as-emperor-setns", LIST, "2.1: hook"),
                // master: subscription servers (fastrouter, http router) drop packets without a vassal field;
                // an Emperor runs no subscription server (docs/uwsgi-compat.md, "Options")
                ignored("subscription-vassal-required", BOOL, "2.1: subscription servers only (fastrouter/http router); an Emperor runs none"));
    }
}
