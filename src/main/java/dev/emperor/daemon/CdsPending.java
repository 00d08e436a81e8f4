package dev.emperor.daemon;

import dev.emperor.config.EmperorConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The class-data-sharing archive that the JDK 17 JVM writes when it exits ({@code
 * -XX:ArchiveClassesAtExit}, set by the launcher, which names the file in {@code
 * emperor.cds.pending}). After {@code uid} drops the Emperor's privileges the JVM could no longer
 * write into the root-owned cache directory, and a failed dump makes it exit with status 1 instead
 * of 0; an archive written by the unprivileged user would also be mapped by the next start as root.
 * So, while still root, the pending file is made a symlink to /dev/null: the dump goes nowhere,
 * the exit status stays, and the launcher discards the link (docs/operations.md, "Class-data
 * sharing").
 */
public final class CdsPending {
    private CdsPending() {
    }

    /** Call before {@link ProcessSetup#dropPrivileges}. */
    public static void beforePrivilegeDrop(EmperorConfig config, PrintStream err) {
        String pending = System.getProperty("emperor.cds.pending");
        if (pending == null || pending.isEmpty() || config.uid() == null) {
            return;
        }
        Path path = Path.of(pending);
        try {
            Files.deleteIfExists(path);
            Files.createSymbolicLink(path, Path.of("/dev/null"));
        } catch (IOException | UnsupportedOperationException e) {
            err.println("emperor: warning: cannot cancel the class-data archive " + path + " (" + e.getMessage()
                    + "); the JVM may fail to write it after uid = " + config.uid());
        }
    }
}
