package dev.emperor.internal;

/** posix_spawn failed; {@link #errno()} says why (e.g. 2 = the executable does not exist). */
public final class SpawnException extends Exception {
    private final int errno;

    public SpawnException(String message, int errno) {
        super(message + " (errno " + errno + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
