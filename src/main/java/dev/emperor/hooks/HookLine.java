package dev.emperor.hooks;

import java.util.List;

/**
 * One {@code action:args} hook line ({@code core/hooks.c: uwsgi_hooks_run}) turned into a
 * {@link HookStep}. uWSGI checks the syntax when the list runs and exits 1 on a line without ':' or
 * with an unknown action; here every check happens while the configuration is read, so the error
 * names the file and line (docs/hooks.md, "Syntax").
 */
public final class HookLine {
    /** uWSGI's {@code wait-for-fs-timeout} default, seconds. */
    static final int WAIT_FOR_FS_TIMEOUT = 60;

    private HookLine() {
    }

    /** Why {@code value} is not a hook line this daemon runs, or null when it is. */
    public static String problem(String value) {
        try {
            parse(value, "check");
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /**
     * The step for {@code value} run in {@code phase} ("as-vassal", "emperor-start" ...); non-fatal
     * (the list sets the fatality).
     *
     * @throws IllegalArgumentException with uWSGI's wording of the problem
     */
    static HookStep parse(String value, String phase) {
        int colon = value.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("invalid hook syntax, must be hook:args (got \"" + value + "\")");
        }
        String name = value.substring(0, colon);
        boolean hidden = name.startsWith("!");
        if (hidden) {
            name = name.substring(1);
        }
        HookAction action = HookAction.byName(name);
        if (action == null) {
            throw new IllegalArgumentException("hook action not found: " + name);
        }
        if (action.refusal() != null) {
            throw new IllegalArgumentException("hook action '" + name + "' refused: " + action.refusal());
        }
        String pre = hidden ? "running --- PRIVATE HOOK --- (" + phase + ")..." : "running \"" + value + "\" (" + phase + ")...";
        return new HookStep(action.op(), 0, pre, "", operands(action, value.substring(colon + 1)));
    }

    private static List<String> operands(HookAction action, String arg) {
        switch (action) {
            case CHMOD -> {
                String[] p = fileAnd(arg, "chmod", "<file> <mode>");
                if (!p[1].matches("[0-7]{1,4}")) {
                    throw new IllegalArgumentException("invalid hook chmod mask: " + p[1]);
                }
                return List.of(p[0], p[1]);
            }
            case CHOWN, CHOWN2 -> {
                String[] p = fileAnd(arg, action.actionName(), "<file> <uid> <gid>");
                String[] ids = fileAnd(p[1], action.actionName(), "<file> <uid> <gid>");
                if (action == HookAction.CHOWN2) {
                    for (int i = 0; i < 2; i++) {
                        if (!ids[i].matches("[0-9]+")) {
                            throw new IllegalArgumentException("invalid hook chown2 syntax, " + (i == 0 ? "uid" : "gid")
                                    + " must be a number");
                        }
                    }
                }
                return List.of(p[0], ids[0], ids[1]);
            }
            case WRITE, WRITEN, APPEND -> {
                String[] p = fileAnd(arg, action.actionName(), "<file> <string>");
                return List.of(p[0], p[1]);
            }
            case APPENDN -> {
                int space = arg.indexOf(' ');
                return space < 0 ? List.of(arg, "") : List.of(arg.substring(0, space), arg.substring(space + 1));
            }
            case MOUNT -> {
                return MountArgs.mount(arg);
            }
            case UMOUNT -> {
                return MountArgs.umount(arg);
            }
            case WAIT_FOR_FS, WAIT_FOR_FILE, WAIT_FOR_DIR -> {
                String type = action == HookAction.WAIT_FOR_FILE ? "file" : action == HookAction.WAIT_FOR_DIR ? "dir" : "fs";
                return List.of(type, arg, Integer.toString(WAIT_FOR_FS_TIMEOUT));
            }
            case EXIT -> {
                // uwsgi_hook_exit: atoi() only when the argument is longer than one character
                return List.of(Integer.toString(arg.length() > 1 ? atoi(arg) & 0xff : 0));
            }
            default -> {
                return List.of(arg);
            }
        }
    }

    private static String[] fileAnd(String arg, String action, String usage) {
        int space = arg.indexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException("invalid hook " + action + " syntax, must be: " + usage);
        }
        return new String[] {arg.substring(0, space), arg.substring(space + 1)};
    }

    /** C's atoi: leading blanks, a sign, digits; 0 when there are none. */
    static int atoi(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long n = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && n < Integer.MAX_VALUE) {
            n = n * 10 + (s.charAt(i++) - '0');
        }
        return (int) (negative ? -n : n);
    }
}
