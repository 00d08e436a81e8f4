package dev.emperor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Random input never escapes as anything but {@link ConfigException}: no IndexOutOfBounds, no
 * endless expansion, no stack overflow, no hang. Inputs mix raw bytes with fragments of the dialect so
 * that includes, logic blocks, placeholders and math are actually reached (and, as whole lines, files
 * that never end: {@code /dev/zero}). Fixed seed: reproducible. Every case runs on a worker thread with
 * its own deadline ({@value #CASE_DEADLINE_MS} ms), so a hang fails with its case index and input rather
 * than only the class timeout; the number of cases actually run is checked.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FuzzTest {

    private static final long SEED = 0x5EED_2024L;
    private static final int CASES = 10_000;
    /** Generous: a case takes about a millisecond; only a real hang (or a multi-GB read) gets near this. */
    private static final long CASE_DEADLINE_MS = 3_000;
    private static final List<String> FRAGMENTS = List.of("[uwsgi]\n", "\n", "\r\n", "=", " = ", " ", "%", "%(",
            "$(", "@(", ")", "(", "%d", "%n", "%%", "%_", ";", "#", "[", "]", "\0", ":", "+", "-", "*", "/", "++",
            "--", "0", "-1", "7", "abc", "x", "HOME", "fuzz.ini", "other.ini", "emperor", "emperor-freq", "include",
            "ini", "inherit", "set", "set-ph", "for", "for-times", "for-readline", "endfor", "end", "if-env",
            "if-opt", "if-not-exists", "if-hostname-match", "endif", "strict", "emperor-tyrant", "chmod-socket",
            "safe-fd", "log-date", "listen", "emperor-stats", "master", "pg://x", "dir://", "x%(x)", "%(a b)", "/dev/zero");
    /** Whole lines naming a file that never ends; rare (each costs a bounded read of 16 MiB). */
    private static final List<String> ENDLESS = List.of("\nfor-readline = /dev/zero\n", "\nini = /dev/zero\n",
            "\ninclude = /dev/zero.ini\n");

    private static ExecutorService worker;

    @BeforeAll
    static void startWorker() {
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-case");
            t.setDaemon(true); // a hung case must not keep the test JVM alive
            return t;
        });
    }

    @AfterAll
    static void stopWorker() {
        worker.shutdownNow();
    }

    /** Runs one case with its own deadline; a hang fails with the case's index and input. */
    private static void runCase(int i, byte[] input, Callable<Void> body) {
        Future<Void> f = worker.submit(body);
        try {
            f.get(CASE_DEADLINE_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException hang) {
            f.cancel(true);
            startWorker(); // the old thread may never come back
            fail("case " + i + " (seed " + SEED + ") did not finish within " + CASE_DEADLINE_MS + " ms; input: "
                    + new String(input, StandardCharsets.ISO_8859_1).replace("\n", "\\n"));
        } catch (ExecutionException e) {
            Throwable t = e.getCause();
            fail("case " + i + " (seed " + SEED + ") threw " + t + " for input: "
                    + new String(input, StandardCharsets.ISO_8859_1).replace("\n", "\\n"), t);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted at case " + i);
        }
    }

    @TempDir
    static Path tmp;

    private static Level savedLevel;

    @BeforeAll
    static void quiet() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.emperor.config");
        savedLevel = logger.getLevel();
        logger.setLevel(Level.OFF);
    }

    @AfterAll
    static void restore() {
        ((Logger) LoggerFactory.getLogger("dev.emperor.config")).setLevel(savedLevel);
    }

    private static byte[] randomConfig(Random rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (rnd.nextInt(4) != 0) {
            out.writeBytes("[uwsgi]\n".getBytes(StandardCharsets.UTF_8));
        }
        int parts = rnd.nextInt(60);
        for (int i = 0; i < parts; i++) {
            if (rnd.nextInt(3) == 0) {
                byte[] raw = new byte[1 + rnd.nextInt(8)];
                rnd.nextBytes(raw);
                out.writeBytes(raw);
            } else {
                out.writeBytes(FRAGMENTS.get(rnd.nextInt(FRAGMENTS.size())).getBytes(StandardCharsets.UTF_8));
            }
        }
        if (rnd.nextInt(50) == 0) {
            out.writeBytes(ENDLESS.get(rnd.nextInt(ENDLESS.size())).getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void loaderOnlyEverThrowsConfigException() throws Exception {
        Random rnd = new Random(SEED);
        Files.writeString(tmp.resolve("other.ini"), "[uwsgi]\nemperor = %n\nx = 1\n");
        Path file = tmp.resolve("fuzz.ini");
        Map<String, String> environ = Map.of("HOME", "/home/fuzz", "UWSGI_EMPEROR", "/e");
        java.util.concurrent.atomic.AtomicInteger loaded = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < CASES; i++) {
            byte[] content = randomConfig(rnd);
            Files.write(file, content);
            runCase(i, content, () -> {
                try {
                    ConfigLoader.load(List.of(RawOption.of("ini", "fuzz.ini")), environ, tmp, ConfigFixture.FACTS);
                    loaded.incrementAndGet();
                } catch (ConfigException expected) {
                    refused.incrementAndGet(); // a refusal is a fine answer to garbage
                }
                return null;
            });
        }
        // counted inside the cases: every case ran to an answer, and both answers occur (the fuzzer gets past line 1)
        assertEquals(CASES, loaded.get() + refused.get());
        assertTrue(loaded.get() > 0 && refused.get() > 0, "loaded " + loaded + ", refused " + refused);
    }

    @Test
    void iniReaderNeverThrows() {
        Random rnd = new Random(SEED + 1);
        java.util.concurrent.atomic.AtomicInteger parsed = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < CASES; i++) {
            byte[] content = randomConfig(rnd);
            runCase(i, content, () -> {
                String text = IniReader.decode(content);
                IniReader.parse(text, "uwsgi");
                new MagicVars(ConfigFixture.FACTS, tmp).substitute(text);
                parsed.incrementAndGet();
                return null;
            });
        }
        assertEquals(CASES, parsed.get(), "every case parsed to the end");
    }
}
