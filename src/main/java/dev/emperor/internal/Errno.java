package dev.emperor.internal;

import java.nio.file.FileSystemException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that sorts errno values into what they say (docs/reliability.md, "Errno classes").
 * A failed system call either answers a question about the file or vassal it was made for
 * ({@code ENOENT}: it is gone; {@code EACCES}, {@code ELOOP}, {@code ENOTDIR}: it is not usable as it
 * is), or it only says that the Emperor itself is in trouble right now ({@code EMFILE},
 * {@code ENOMEM}, {@code EIO}, {@code EINTR} ...): the latter never change a vassal's state and are
 * retried. Of those, a few are shortages of a resource the Emperor shares with every vassal; they
 * are counted and logged once per condition ({@link Resource}).
 */
public final class Errno {
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EBUSY = 16;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int ENOBUFS = 105;
    public static final int ETIMEDOUT = 110;
    public static final int ESTALE = 116;
    public static final int EDQUOT = 122;

    /** A shortage of something the Emperor needs to look at or start a vassal; the metric label is {@link #label()}. */
    public enum Resource {
        EMFILE("emfile"), ENFILE("enfile"), EAGAIN("eagain"), ENOMEM("enomem"), ENOBUFS("enobufs");

        private final String label;

        Resource(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Errnos that say nothing about the file or vassal: keep its state, retry (docs/reliability.md). */
    private static final int[] SAYS_NOTHING = {EINTR, EIO, EAGAIN, ENOMEM, EBUSY, ENFILE, EMFILE, ENOSPC, ENOBUFS,
            ETIMEDOUT, ESTALE, EDQUOT};

    /** glibc's English strerror texts, for JDK exceptions that carry only the text (reason) of the errno. */
    private static final Map<String, Integer> TEXTS = texts();

    private Errno() {
    }

    private static Map<String, Integer> texts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("Interrupted system call", EINTR);
        m.put("Input/output error", EIO);
        m.put("Resource temporarily unavailable", EAGAIN);
        m.put("Cannot allocate memory", ENOMEM);
        m.put("Device or resource busy", EBUSY);
        m.put("Too many open files in system", ENFILE);
        m.put("Too many open files", EMFILE);
        m.put("No space left on device", ENOSPC);
        m.put("No buffer space available", ENOBUFS);
        m.put("Connection timed out", ETIMEDOUT);
        m.put("Stale file handle", ESTALE);
        m.put("Disk quota exceeded", EDQUOT);
        return Map.copyOf(m);
    }

    /** True for an errno that tells nothing about the file or vassal the call was about. */
    public static boolean saysNothingAboutIt(int errno) {
        for (int e : SAYS_NOTHING) {
            if (e == errno) {
                return true;
            }
        }
        return false;
    }

    /** The resource an errno says is short, or null. */
    public static Resource resource(int errno) {
        return switch (errno) {
            case EMFILE -> Resource.EMFILE;
            case ENFILE -> Resource.ENFILE;
            case EAGAIN -> Resource.EAGAIN;
            case ENOMEM -> Resource.ENOMEM;
            case ENOBUFS -> Resource.ENOBUFS;
            default -> null;
        };
    }

    /**
     * The errno behind a failure, or 0 when unknown: our own exceptions carry it; the JDK's carry the
     * strerror text (as {@link FileSystemException#getReason()} or as the whole message).
     */
    public static int of(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NativeException n) {
                return n.errno();
            }
            if (c instanceof SpawnException s) {
                return s.errno();
            }
            if (c instanceof ErrnoException e) {
                return e.errno();
            }
            String text = c instanceof FileSystemException f && f.getReason() != null ? f.getReason() : c.getMessage();
            int errno = fromText(text);
            if (errno != 0) {
                return errno;
            }
        }
        return 0;
    }

    private static int fromText(String text) {
        if (text == null) {
            return 0;
        }
        Integer exact = TEXTS.get(text.strip());
        if (exact != null) {
            return exact;
        }
        // longest text first: "Too many open files in system" before "Too many open files"
        int best = 0;
        int bestLen = 0;
        for (Map.Entry<String, Integer> e : TEXTS.entrySet()) {
            if (text.endsWith(e.getKey()) && e.getKey().length() > bestLen) {
                best = e.getValue();
                bestLen = e.getKey().length();
            }
        }
        return best;
    }

    /** True when the failure says nothing about the file or vassal (see {@link #saysNothingAboutIt(int)}). */
    public static boolean saysNothingAboutIt(Throwable t) {
        return saysNothingAboutIt(of(t));
    }

    /** A file-system failure that knows its errno (thrown by {@link RegularFiles}). */
    public static final class ErrnoException extends FileSystemException {
        private static final long serialVersionUID = 1L;
        private final int errno;

        public ErrnoException(String file, String reason, int errno) {
            super(file, null, reason);
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }
}
