package dev.emperor.upgrade;

/** A state document this build cannot use: corrupt, cut short, or of a format it does not know. */
public final class HandOverException extends Exception {
    public HandOverException(String message) {
        super(message);
    }

    public HandOverException(String message, Throwable cause) {
        super(message, cause);
    }
}
