package dev.emperor.spawn;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the executable to start, doing what execvp(3) would do in the child with the child's
 * PATH — resolved before spawning because posix_spawn (unlike uWSGI's fork+execvp) cannot try a
 * list of binaries in the child. Order as uWSGI: each {@code emperor-wrapper-override}, then the
 * wrapper or binary, then each {@code emperor-wrapper-fallback}.
 */
public final class BinaryResolver {
    private final List<String> override;
    private final String primary;
    private final List<String> fallback;

    public BinaryResolver(List<String> override, String wrapper, String binaryPath, List<String> fallback) {
        this.override = List.copyOf(override);
        this.primary = wrapper != null ? wrapper : binaryPath != null ? binaryPath : "uwsgi";
        this.fallback = List.copyOf(fallback);
    }

    private BinaryResolver(List<String> override, String primary, List<String> fallback, boolean copied) {
        this.override = override;
        this.primary = primary;
        this.fallback = fallback;
    }

    /**
     * The same lists with {@code primary} as the normal binary: a vassal's {@code emperor-wrapper-attr} (master
     * {@code vassal_new_argv} sets argv[0] before the override and fallback lists are tried around it).
     */
    public BinaryResolver withPrimary(String primary) {
        return new BinaryResolver(override, primary, fallback, true);
    }

    /** The candidates in the order they are tried. */
    public List<String> candidates() {
        List<String> all = new ArrayList<>(override);
        all.add(primary);
        all.addAll(fallback);
        return all;
    }

    public String primary() {
        return primary;
    }

    /** The absolute path of the first candidate that is an executable file, or null. */
    public Resolved resolve(String pathVariable) {
        for (String c : candidates()) {
            Path p = which(c, pathVariable);
            if (p != null) {
                return new Resolved(c, p.toString());
            }
        }
        return null;
    }

    /** @param argv0 what the vassal's argv[0] is; @param executable the absolute file to exec */
    public record Resolved(String argv0, String executable) {
    }

    static Path which(String name, String pathVariable) {
        if (name.contains("/")) {
            Path p = Path.of(name).toAbsolutePath();
            return Files.isRegularFile(p) && Files.isExecutable(p) ? p : null;
        }
        String path = pathVariable == null || pathVariable.isEmpty() ? "/usr/local/bin:/usr/bin:/bin" : pathVariable;
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
        }
        return null;
    }
}
