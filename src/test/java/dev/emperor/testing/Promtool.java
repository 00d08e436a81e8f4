package dev.emperor.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Prometheus' own checker of the text exposition format: {@code promtool check metrics} reads the
 * text on stdin, parses it with Prometheus' parser and lints names, types and HELP. Exit status 0 =
 * valid and clean, 3 = parsed but lint problems, 1 = not parseable. {@code .ci/run} installs it
 * from Debian's {@code prometheus} package (the binary only); a test that needs it fails under
 * {@code CI=true} when it is missing and is skipped elsewhere.
 */
public final class Promtool {

    /** The outcome of one check. */
    public record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    /** {@code -Dpromtool=PATH}, else {@code $PROMTOOL}, else {@code promtool} on PATH. */
    public static Optional<Path> find() {
        String explicit = System.getProperty("promtool");
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getenv("PROMTOOL");
        }
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The binary; in CI ({@code CI=true}) a missing one fails the test, elsewhere it skips it. */
    public static Path require() {
        Optional<Path> p = find();
        if (p.isEmpty()) {
            String why = "promtool not found (install it as .ci/run does: the binary from Debian's prometheus package)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why + "; CI=true, so this is a failure, not a skip");
            }
            Assumptions.abort(why);
        }
        return p.get();
    }

    /** Runs {@code promtool check metrics} on {@code text}. */
    public static Result check(String text) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(require().toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("promtool did not finish within 30 s");
        }
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }
}
