package dev.emperor.spawn;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code emperor-chdir-attr} under Tyrant (docs/uwsgi-compat.md, "Vassal attributes"): master's child calls
 * chdir() after it dropped to the vassal's owner, so the owner's permissions decide whether the directory
 * can be entered. posix_spawn's chdir action runs as the Emperor (root) before the setpriv trampoline drops
 * privileges, and would let an owner start in a directory closed to them (relative lookups from there are
 * then not checked against it). So under Tyrant the chdir is one more exec step right before uwsgi, after
 * setpriv: {@code /bin/sh -c SCRIPT emperor-chdir DIR uwsgi ARGS...}. The script is a constant; the
 * directory and the argv are positional parameters, never part of the shell text. It exits 26 when the
 * directory cannot be entered, as master's child does.
 */
final class ChdirStep {
    static final String SHELL = "/bin/sh";
    /** CDPATH emptied: a relative name is the monitor's, never looked up elsewhere; -P: chdir(2)'s own '..'. */
    static final String SCRIPT = "CDPATH= cd -P -- \"$1\" || { echo \"--emperor-chdir-attr/chdir(): cannot enter $1\" >&2;"
            + " exit 26; }; shift; exec \"$@\"";

    private ChdirStep() {
    }

    /** {@code execArgv} (the trampoline chain ending with {@code uwsgi}) with the chdir step put right before uwsgi. */
    static List<String> insert(List<String> execArgv, List<String> uwsgi, String dir) {
        int at = execArgv.size() - uwsgi.size();
        List<String> out = new ArrayList<>(execArgv.subList(0, at));
        out.add(SHELL);
        out.add("-c");
        out.add(SCRIPT);
        out.add("emperor-chdir");
        out.add(dir);
        out.addAll(uwsgi);
        return out;
    }
}
