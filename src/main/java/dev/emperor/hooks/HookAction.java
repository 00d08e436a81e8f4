package dev.emperor.hooks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * uWSGI 2.0.21's hook action table ({@code core/hooks.c: uwsgi_register_base_hooks}), every name with
 * what this daemon does with it (docs/hooks.md, "Actions"). A supported action is carried out by
 * {@link HookScript}'s fixed shell program, its operands passed as separate argv words; a refused one
 * names why it cannot mean anything outside a uWSGI process.
 */
public enum HookAction {
    CD("cd", "cd"),
    CHDIR("chdir", "cd"),
    MKDIR("mkdir", "mkdir"),
    PUTENV("putenv", "putenv"),
    CHMOD("chmod", "chmod"),
    CHOWN("chown", "chown"),
    CHOWN2("chown2", "chown"),
    STICKY("sticky", "sticky"),
    EXEC("exec", "exec"),
    SAFEEXEC("safeexec", "safeexec"),
    CREATE("create", "create"),
    CREAT("creat", "create"),
    WRITE("write", "write"),
    WRITEN("writen", "writen"),
    APPEND("append", "append"),
    APPENDN("appendn", "appendn"),
    UNLINK("unlink", "unlink"),
    MOUNT("mount", "mount"),
    UMOUNT("umount", "umount"),
    HOSTNAME("hostname", "hostname"),
    WAIT_FOR_FS("wait_for_fs", "wait"),
    WAIT_FOR_FILE("wait_for_file", "wait"),
    WAIT_FOR_DIR("wait_for_dir", "wait"),
    EXIT("exit", "exit"),
    PRINT("print", "print"),
    LOG("log", "print"),
    CALL("call", null, Refusals.DLSYM),
    CALLRET("callret", null, Refusals.DLSYM),
    CALLINT("callint", null, Refusals.DLSYM),
    CALLINTRET("callintret", null, Refusals.DLSYM),
    UNIX_SIGNAL("unix_signal", null, "installs a C function found with dlsym() as a signal handler of the uWSGI"
            + " process; there is no C process to install it in"),
    ALARM("alarm", null, "raises one of uWSGI's configured alarms; this daemon has no alarm subsystem"),
    RPC("rpc", null, Refusals.RPC),
    RETRYRPC("retryrpc", null, Refusals.RPC),
    WAIT_FOR_SOCKET("wait_for_socket", null, "not supported: it connects to a socket in a loop, which the hook"
            + " program (a POSIX shell) cannot do; use exec: with a tool such as nc"),
    WRITEFIFO("writefifo", null, Refusals.FIFO),
    SPINNINGFIFO("spinningfifo", null, Refusals.FIFO);

    private static final Map<String, HookAction> BY_NAME = new LinkedHashMap<>();

    static {
        for (HookAction a : values()) {
            BY_NAME.put(a.actionName, a);
        }
    }

    private final String actionName;
    private final String op;
    private final String refusal;

    HookAction(String actionName, String op) {
        this(actionName, op, null);
    }

    HookAction(String actionName, String op, String refusal) {
        this.actionName = actionName;
        this.op = op;
        this.refusal = refusal;
    }

    /** The action of that name, or null (uWSGI: "hook action not found"). */
    public static HookAction byName(String name) {
        return BY_NAME.get(name);
    }

    /** Every action name, in uWSGI's registration order. */
    public static Iterable<String> names() {
        return BY_NAME.keySet();
    }

    public String actionName() {
        return actionName;
    }

    /** The operation of {@link HookScript} that carries it out; null when refused. */
    String op() {
        return op;
    }

    /** Why this daemon refuses it, or null when supported. */
    public String refusal() {
        return refusal;
    }

    private static final class Refusals {
        static final String DLSYM = "calls a C function found with dlsym() inside the uWSGI process; this daemon is"
                + " not a C process and has no such symbols (use exec: to run a program)";
        static final String RPC = "calls uWSGI's RPC subsystem, which exists only inside uWSGI instances";
        static final String FIFO = "not supported: it needs a non-blocking open of a FIFO, which the hook program (a"
                + " POSIX shell) cannot do; use exec: with a tool such as dd oflag=nonblock";
    }
}
