package dev.emperor.core;

/**
 * What {@link Lifecycle} asks the outside world to do. The event loop implements it with the
 * native facade; unit tests record the calls.
 */
public interface Effects {

    /** The result of a spawn attempt. */
    record SpawnOutcome(int pid, int pipeFd, boolean exile, String error) {
        public static SpawnOutcome started(int pid, int pipeFd) {
            return new SpawnOutcome(pid, pipeFd, false, null);
        }

        public static SpawnOutcome failed(String error, boolean exile) {
            return new SpawnOutcome(-1, -1, exile, error);
        }

        public boolean ok() {
            return pid > 0;
        }
    }

    SpawnOutcome spawn(Vassal v);

    /** Writes one byte on the vassal's pipe; false when the pipe is broken. */
    boolean send(Vassal v, int b);

    /** Signals the vassal master (pid &gt; 0); false when it no longer exists. */
    boolean kill(Vassal v, int signal);

    /** Signals the vassal's whole process group (its session: master and workers). */
    void killGroup(Vassal v, int signal);

    /** Closes the Emperor's end of the vassal pipe (if open) and stops watching it. */
    void closePipe(Vassal v);

    /** Drops the record from the table. */
    void forget(Vassal v);
}
