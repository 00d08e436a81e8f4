package dev.emperor.core;

/**
 * What {@link Lifecycle} asks the outside world to do. The event loop implements it with the
 * native facade; unit tests record the calls.
 */
public interface Effects {

    /**
     * The result of a spawn attempt: a plain spawn gives a pid at once; an adoption through a fork
     * server gives the pipe now and the pid later ({@link Lifecycle#adopted}); a fork server that is
     * not listening yet means "try again soon" without counting as a failure; so does a spawn that
     * lacked a resource the Emperor shares with every vassal (fds, memory, the process limit:
     * DEFERRED, retried at {@code retryAt}, docs/reliability.md).
     *
     * @param errno   why a FAILED spawn failed, 0 when unknown
     * @param retryAt when a DEFERRED spawn is tried again
     */
    record SpawnOutcome(Kind kind, int pid, int pipeFd, boolean exile, String error, int errno, long retryAt,
                        int configFd) {
        public enum Kind { STARTED, ADOPTING, WAIT_FOR_BASE, FAILED, DEFERRED }

        public SpawnOutcome(Kind kind, int pid, int pipeFd, boolean exile, String error) {
            this(kind, pid, pipeFd, exile, error, 0, 0, -1);
        }

        public SpawnOutcome(Kind kind, int pid, int pipeFd, boolean exile, String error, int errno, long retryAt) {
            this(kind, pid, pipeFd, exile, error, errno, retryAt, -1);
        }

        public static SpawnOutcome started(int pid, int pipeFd) {
            return started(pid, pipeFd, -1);
        }

        /** @param configFd the Emperor's end of the config pipe, -1 for a vassal that reads a file */
        public static SpawnOutcome started(int pid, int pipeFd, int configFd) {
            return new SpawnOutcome(Kind.STARTED, pid, pipeFd, false, null, 0, 0, configFd);
        }

        public static SpawnOutcome adopting(int pipeFd) {
            return adopting(pipeFd, -1);
        }

        public static SpawnOutcome adopting(int pipeFd, int configFd) {
            return new SpawnOutcome(Kind.ADOPTING, -1, pipeFd, false, null, 0, 0, configFd);
        }

        public static SpawnOutcome waitForBase(String socket) {
            return new SpawnOutcome(Kind.WAIT_FOR_BASE, -1, -1, false, socket);
        }

        public static SpawnOutcome failed(String error, boolean exile) {
            return new SpawnOutcome(Kind.FAILED, -1, -1, exile, error);
        }

        /** A failure whose errno is known (classified by {@link dev.emperor.internal.Errno}). */
        public static SpawnOutcome failed(String error, boolean exile, int errno) {
            return new SpawnOutcome(Kind.FAILED, -1, -1, exile, error, errno, 0);
        }

        /** Not started for want of a shared resource; no penalty for the vassal, tried again at {@code retryAt}. */
        public static SpawnOutcome deferred(String error, long retryAt) {
            return new SpawnOutcome(Kind.DEFERRED, -1, -1, false, error, 0, retryAt);
        }

        public boolean ok() {
            return kind == Kind.STARTED;
        }
    }

    SpawnOutcome spawn(Vassal v);

    /**
     * Takes one of this loop iteration's spawn slots for v: false when a burst has used them up, so
     * that reaps and pipe bytes are handled before more children come (docs/reliability-time.md, "Bursts").
     */
    default boolean spawnSlot(Vassal v) {
        return true;
    }

    /** Writes one byte on the vassal's pipe; false when the pipe is broken. */
    boolean send(Vassal v, int b);

    /** Signals the vassal master (pid &gt; 0); false when it no longer exists. */
    boolean kill(Vassal v, int signal);

    /** Signals the vassal's whole process group (its session: master and workers). */
    void killGroup(Vassal v, int signal);

    /**
     * The vassal asked for its config (byte 2): push it again on its config pipe (docs/wire-formats.md,
     * "Config pipe"); nothing for a vassal without one.
     */
    default void pushConfig(Vassal v) {
    }

    /** Closes the Emperor's end of the vassal pipe (and of its config pipe, if any) and stops watching it. */
    void closePipe(Vassal v);

    /** Drops the record from the table. */
    void forget(Vassal v);

    /** Puts a record that no monitor reported (a broodlord zerg) into the table. */
    default void add(Vassal v) {
    }

    /** Whether the table holds a record of this name. */
    default boolean holds(String name) {
        return false;
    }

    /** How many zerg records the table holds (uWSGI's {@code emperor_broodlord_count}). */
    default int zergs() {
        return 0;
    }

    /**
     * Binds v's on-demand socket ({@code v.socketName}, uWSGI's {@code on_demand_bind}) into
     * {@code v.listenFd}: null when done, else the error text (strerror) for the log.
     */
    String bindOnDemand(Vassal v);

    /** Starts (true) or stops (false) watching v's listening socket for a first connection. */
    void watchOnDemand(Vassal v, boolean on);

    /** Closes v's listening socket (if open); a UNIX socket file is unlinked only if it is still the one we bound. */
    void closeOnDemand(Vassal v);

    /**
     * Queues master's {@code hook-as-on-demand-vassal} ({@code configChanged} false: v goes to sleep) or
     * {@code hook-as-on-config-vassal} (v's config changed while asleep) off the loop: false when there is
     * none to run. Its outcome comes back as {@link Lifecycle#onDemandHookDone} for the sleep
     * ({@code v.sleeps}) it was queued in (docs/hooks.md, "On-demand hooks").
     */
    default boolean onDemandHook(Vassal v, boolean configChanged) {
        return false;
    }
}
