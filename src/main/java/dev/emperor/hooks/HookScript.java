package dev.emperor.hooks;

import java.util.ArrayList;
import java.util.List;

/**
 * The one program that carries out hooks (docs/hooks.md, "How hooks run"): a fixed POSIX shell text,
 * run as {@code /bin/sh -c SCRIPT emperor-hooks STEP... -- NEXT...}. Each step is nine argv words
 * ({@link HookStep#words()}); no value is ever pasted into shell text, every file name, mode, message
 * and command is a positional parameter the script only quotes. {@code exec:} runs the operator's
 * command with {@code /bin/sh -c COMMAND} as uWSGI does. After the steps the script {@code exec}s the
 * rest of its argv in place (the next program of a vassal's exec chain, so the vassal keeps its pid),
 * or exits 0 when there is none.
 *
 * <p>{@code fatal}: 0 = log and go on; 1 = uWSGI's "FATAL hook failed, destroying instance" and exit 1;
 * 2 = exit 1 silently (mount-as-vassal, exec-as-vassal); 3 = go on, but exit 1 after the last step
 * (master's {@code uwsgi_hooks_run_and_return}).
 */
public final class HookScript {
    public static final String SH = "/bin/sh";
    static final String LABEL = "emperor-hooks";

    static final String TEXT = String.join("\n",
            "failed=0",
            "while [ \"$#\" -gt 0 ] && [ \"$1\" != -- ]; do",
            "  op=$1; fatal=$2; pre=$3; fail=$4; a=$5; b=$6; c=$7; d=$8; e=$9",
            "  shift 9",
            "  [ -z \"$pre\" ] || printf '%s\\n' \"$pre\" >&2",
            "  rc=0",
            "  case $op in",
            "    cd) cd -- \"$a\" || rc=$? ;;",
            "    mkdir) mkdir -- \"$a\" || rc=$? ;;",
            "    putenv) case $a in *=*) export \"$a\" || rc=$? ;; *) unset \"$a\" || rc=$? ;; esac ;;",
            "    chmod) chmod -- \"$b\" \"$a\" || rc=$? ;;",
            "    chown) chown -- \"$b:$c\" \"$a\" || rc=$? ;;",
            "    sticky) chmod -- +t \"$a\" || rc=$? ;;",
            "    exec|safeexec)",
            "      " + SH + " -c \"$a\" || rc=$?",
            "      [ \"$rc\" -eq 0 ] || printf 'command \"%s\" exited with non-zero code: %d\\n' \"$a\" \"$rc\" >&2",
            "      [ \"$op\" = exec ] || rc=0 ;;",
            "    eexec)",
            "      UWSGI_VASSAL_CONFIG=$b UWSGI_VASSAL_PID=$c UWSGI_VASSAL_UID=$d UWSGI_VASSAL_GID=$e " + SH
                    + " -c \"$a\" || rc=$?",
            "      printf 'command \"%s\" exited with code: %d\\n' \"$a\" \"$rc\" >&2; rc=0 ;;",
            "    hookcmd)",
            "      if [ -n \"$c\" ]; then UWSGI_VASSALS_DIR=$c \"$a\" \"$b\" || rc=$?; else \"$a\" \"$b\" || rc=$?; fi",
            "      printf '[emperor] %s %s-hook returned %d\\n' \"$b\" \"$d\" \"$rc\" >&2; rc=0 ;;",
            "    create) printf '' > \"$a\" || rc=$? ;;",
            "    write) printf '%s' \"$b\" > \"$a\" || rc=$? ;;",
            "    writen) printf '%s\\n' \"$b\" > \"$a\" || rc=$? ;;",
            "    append) printf '%s' \"$b\" >> \"$a\" || rc=$? ;;",
            "    appendn) printf '%s\\n' \"$b\" >> \"$a\" || rc=$? ;;",
            "    unlink) unlink -- \"$a\" || rc=$? ;;",
            "    mount)",
            "      if [ -n \"$a\" ] && [ -n \"$d\" ]; then mount -t \"$a\" -o \"$d\" -- \"$b\" \"$c\" || rc=$?",
            "      elif [ -n \"$a\" ]; then mount -t \"$a\" -- \"$b\" \"$c\" || rc=$?",
            "      elif [ -z \"$b\" ]; then mount \"$d\" -- \"$c\" || rc=$?",
            "      else mount -o \"$d\" -- \"$b\" \"$c\" || rc=$?; fi ;;",
            "    umount)",
            "      if [ -n \"$b\" ]; then umount \"$b\" -- \"$a\" || rc=$?; else umount -- \"$a\" || rc=$?; fi ;;",
            "    hostname) hostname -- \"$a\" || rc=$? ;;",
            "    wait)",
            "      printf 'waiting for %s (max %d seconds) ...\\n' \"$b\" \"$c\" >&2; n=0; rc=1",
            "      while :; do",
            "        case $a in file) [ -f \"$b\" ] ;; dir) [ -d \"$b\" ] ;; *) [ -e \"$b\" ] ;; esac && { printf '%s found\\n' \"$b\" >&2; rc=0; break; }",
            "        [ \"$n\" -le \"$c\" ] || { printf '%s unavailable after %d seconds\\n' \"$b\" \"$n\" >&2; break; }",
            "        sleep 1; n=$((n + 1))",
            "      done ;;",
            "    exit) exit \"$a\" ;;",
            "    print) printf '%s\\n' \"$a\" >&2 ;;",
            "    *) printf 'emperor-hooks: unknown operation %s\\n' \"$op\" >&2; exit 1 ;;",
            "  esac",
            "  if [ \"$rc\" -ne 0 ]; then",
            "    [ -z \"$fail\" ] || printf '%s\\n' \"$fail\" >&2",
            "    case $fatal in",
            "      1) printf '%s\\n' 'FATAL hook failed, destroying instance' >&2; exit 1 ;;",
            "      2) exit 1 ;;",
            "      3) failed=1 ;;",
            "    esac",
            "  fi",
            "done",
            "[ \"$failed\" = 0 ] || exit 1",
            "[ \"$#\" -eq 0 ] || shift",
            "[ \"$#\" -eq 0 ] || exec \"$@\"",
            "exit 0",
            "");

    private HookScript() {
    }

    /**
     * The argv that runs {@code steps} and then execs {@code next} in place (the whole rest of an exec
     * chain); with no steps, {@code next} unchanged.
     */
    public static List<String> wrap(List<HookStep> steps, List<String> next) {
        if (steps.isEmpty()) {
            return next;
        }
        List<String> argv = new ArrayList<>(prefix(steps));
        argv.addAll(next);
        return argv;
    }

    /** The words in front of the next program: {@code /bin/sh -c SCRIPT emperor-hooks STEP... --}; empty for no steps. */
    public static List<String> prefix(List<HookStep> steps) {
        if (steps.isEmpty()) {
            return List.of();
        }
        List<String> argv = new ArrayList<>(4 + 9 * steps.size() + 1);
        argv.add(SH);
        argv.add("-c");
        argv.add(TEXT);
        argv.add(LABEL);
        for (HookStep s : steps) {
            argv.addAll(s.words());
        }
        argv.add("--");
        return argv;
    }
}
