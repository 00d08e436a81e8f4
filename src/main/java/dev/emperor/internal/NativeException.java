package dev.emperor.internal;

/** A system call failed where the caller cannot reasonably recover. */
public final class NativeException extends RuntimeException {
    private final int errno;

    public NativeException(String call, int errno) {
        super(call + " failed: errno " + errno);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
