package dev.emperor.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short probe program in a test: output to a temp file, a bounded wait, always destroyed. */
public final class Probe {

    private Probe() {
    }

    /** Exit status and trimmed output (stdout and stderr) of a finished probe. */
    public record Result(int exit, String out) {
    }

    /** Runs {@code argv}; fails with an IOException when it did not finish within {@code seconds}. */
    public static Result run(List<String> argv, int seconds) throws IOException, InterruptedException {
        File out = File.createTempFile("probe-", ".out");
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out).start();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                throw new IOException(argv + " did not finish within " + seconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8).trim());
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out.toPath());
        }
    }
}
