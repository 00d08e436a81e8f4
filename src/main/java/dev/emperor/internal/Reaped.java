package dev.emperor.internal;

/**
 * One result of waitpid(-1, WNOHANG).
 *
 * @param pid    the reaped child, 0 for {@link #NONE}, -1 for {@link #NO_CHILDREN}
 * @param status the raw wait status
 */
public record Reaped(int pid, int status) {
    public static final Reaped NONE = new Reaped(0, 0);
    public static final Reaped NO_CHILDREN = new Reaped(-1, 0);

    public boolean exited() {
        return (status & 0x7f) == 0;
    }

    /** WEXITSTATUS, or -1 when killed by a signal. */
    public int exitCode() {
        return exited() ? (status >> 8) & 0xff : -1;
    }

    /** WTERMSIG, or 0 when it exited normally. */
    public int signal() {
        return exited() ? 0 : status & 0x7f;
    }

    public static Reaped exit(int pid, int code) {
        return new Reaped(pid, (code & 0xff) << 8);
    }

    public static Reaped killed(int pid, int signal) {
        return new Reaped(pid, signal & 0x7f);
    }

    @Override
    public String toString() {
        return exited() ? "pid " + pid + " exit " + exitCode() : "pid " + pid + " signal " + signal();
    }
}
