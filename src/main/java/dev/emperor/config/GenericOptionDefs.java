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
 * Generic uWSGI options an Emperor config typically uses (docs/uwsgi-compat.md, "Options") and the
 * configuration-logic options (docs/uwsgi-compat.md, "Logic blocks"). Immediate flags, short names and optional arguments
 * follow {@code core/uwsgi.c: uwsgi_base_options} of 2.0.21.
 */
final class GenericOptionDefs {

    private GenericOptionDefs() {
    }


    /** Config loading and placeholders (docs/uwsgi-compat.md, "Expansion passes"). */
    static List<OptionDef> loading() {
        return List.of(
                on("ini", LIST, "load an ini file, FILE[:SECTION] (default section uwsgi)").asImmediate(),
                on("include", LIST, "load a config file in place (.ini only)").asImmediate(),
                on("inherit", LIST, "load a config file after everything else (.ini only)"),
                on("set", LIST, "set an option or placeholder: KEY=VALUE").asImmediate().withShortName('S'),
                on("set-placeholder", LIST, "set a placeholder: KEY=VALUE", "set-ph").asImmediate(),
                on("strict", BOOL, "unknown options are errors").asImmediate(),
                notYet("xml", STRING, "load an xml config", "xmlconfig").asImmediate().withShortName('x'),
                notYet("yaml", STRING, "load a yaml config", "yml").asImmediate().withShortName('y'),
                notYet("json", STRING, "load a json config", "js").asImmediate().withShortName('j'),
                notYet("config", STRING, "load a config through a configurator plugin").asImmediate(),
                notYet("declare-option", STRING, "declare a custom option").asImmediate(),
                notYet("declare-option2", STRING, "declare a custom option (non-immediate)"),
                notYet("inject-before", LIST, "text glued before every config file").asImmediate(),
                notYet("inject-after", LIST, "text glued after every config file").asImmediate(),
                notYet("blacklist", STRING, "options blacklist context").asImmediate(),
                notYet("end-blacklist", BOOL, "end of blacklist context").asImmediate(),
                notYet("whitelist", STRING, "options whitelist context").asImmediate(),
                notYet("end-whitelist", BOOL, "end of whitelist context").asImmediate());
    }

    /** Process-level options (docs/uwsgi-compat.md, "Options"). */
    static List<OptionDef> process() {
        return List.of(
                on("daemonize", STRING, "detach and log to this file", "daemonize2").withShortName('d'),
                on("logto", STRING, "log to this file instead of stderr", "logto2"),
                on("log-date", STRING, "prefix log lines with a date (or a strftime format)", "logdate")
                        .withOptionalArgument(),
                on("uid", STRING, "drop privileges to this user (name or number)"),
                on("gid", STRING, "drop privileges to this group (name or number)"),
                on("cap", STRING, "capabilities the Emperor keeps after dropping uid/gid (e.g. setgid,setuid for Tyrant)"),
                on("chmod-socket", STRING, "mode of a UNIX stats socket (bare: 666)", "chmod")
                        .withOptionalArgument().withShortName('C'),
                on("socket-timeout", INT, "stats socket timeout in seconds (default 4)").withShortName('z'),
                on("listen", INT, "listen backlog (default 100)").asImmediate().withShortName('l'),
                on("stats-http", BOOL, "prefix the stats JSON with HTTP headers"),
                on("stats-minified", BOOL, "compact stats JSON", "stats-min"),
                on("env", LIST, "set K=V in the environment vassals inherit"),
                on("unenv", LIST, "remove K from the environment vassals inherit"),
                on("chdir", STRING, "change directory before starting the monitors"),
                on("force-cwd", STRING, "replace the recorded startup directory"),
                on("safe-fd", LIST, "file descriptor vassals keep open (repeatable)"),
                notYet("abstract-socket", BOOL, "UNIX stats socket in the abstract namespace").withShortName('a'),
                notYet("umask", STRING, "process umask").asImmediate(),
                ignored("master", BOOL, "no effect on the Emperor").withShortName('M'),
                // plugins are immediate in uWSGI; ignored here, so they simply warn in list order
                ignored("plugins", LIST, "no plugins here", "plugin"),
                ignored("need-plugin", LIST, "no plugins here", "need-plugins"),
                ignored("plugins-dir", LIST, "no plugins here", "plugin-dir"),
                on("pidfile", STRING, "write the Emperor's pid to this file before dropping privileges"),
                on("pidfile2", STRING, "write the Emperor's pid to this file after dropping privileges"),
                ignored("die-on-term", BOOL, "no effect on the Emperor"),
                on("vacuum", BOOL, "remove pidfile and pidfile2 when the Emperor exits"),
                ignored("log-reopen", BOOL, "no effect on the Emperor"),
                ignored("logformat", STRING, "request log format, vassals only"),
                ignored("auto-procname", BOOL, "use emperor-procname"),
                ignored("procname", STRING, "use emperor-procname"),
                ignored("procname-prefix", STRING, "use emperor-procname"),
                ignored("procname-prefix-spaced", STRING, "use emperor-procname"),
                ignored("procname-append", STRING, "use emperor-procname"),
                ignored("procname-master", STRING, "use emperor-procname"));
    }

    /** Configuration logic (docs/uwsgi-compat.md, "Logic blocks"); every opener and closer is immediate. */
    static List<OptionDef> logic() {
        return List.of(
                on("for", STRING, "repeat the following options for each space-separated item").asImmediate(),
                on("for-times", STRING, "repeat the following options for 1..N").asImmediate(),
                on("for-readline", STRING, "repeat the following options for each line of a file").asImmediate(),
                notYet("for-glob", STRING, "repeat for each glob match").asImmediate(),
                on("endfor", STRING, "close a logic block", "end-for").asImmediate().withOptionalArgument(),
                on("endif", STRING, "close a logic block", "end-if").asImmediate().withOptionalArgument(),
                on("if-opt", STRING, "if option KEY[=VALUE] was set").asImmediate(),
                on("if-not-opt", STRING, "unless option KEY[=VALUE] was set").asImmediate(),
                on("if-env", STRING, "if environment variable VAR[=VALUE] is set", "ifenv").asImmediate(),
                on("if-not-env", STRING, "unless environment variable VAR[=VALUE] is set").asImmediate(),
                on("if-exists", STRING, "if the path is readable", "ifexists").asImmediate(),
                on("if-not-exists", STRING, "unless the path is readable").asImmediate(),
                on("if-file", STRING, "if the path is a regular file").asImmediate(),
                on("if-not-file", STRING, "unless the path is a regular file").asImmediate(),
                on("if-dir", STRING, "if the path is a directory", "ifdir", "if-directory").asImmediate(),
                on("if-not-dir", STRING, "unless the path is a directory").asImmediate(),
                on("if-plugin", STRING, "if the plugin is loaded (never here)", "ifplugin").asImmediate(),
                on("if-not-plugin", STRING, "unless the plugin is loaded (always here)").asImmediate(),
                on("if-hostname", STRING, "if the hostname is").asImmediate(),
                on("if-not-hostname", STRING, "unless the hostname is").asImmediate(),
                on("if-hostname-match", STRING, "if the hostname matches the regexp").asImmediate(),
                on("if-not-hostname-match", STRING, "unless the hostname matches the regexp").asImmediate(),
                on("if-reload", BOOL, "if this is a reload (never here)").asImmediate(),
                on("if-not-reload", BOOL, "unless this is a reload (always here)").asImmediate());
    }
}
