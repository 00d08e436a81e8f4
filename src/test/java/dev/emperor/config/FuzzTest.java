package dev.emperor.config;

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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Random input never escapes as anything but {@link ConfigException}: no IndexOutOfBounds, no
 * endless expansion, no stack overflow. Inputs mix raw bytes with fragments of the dialect so that
 * includes, logic blocks, placeholders and math are actually reached. Fixed seed: reproducible.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FuzzTest {

    private static final long SEED = 0x5EED_2024L;
    private static final int CASES = 10_000;
    private static final List<String> FRAGMENTS = List.of("[uwsgi]\n", "\n", "\r\n", "=", " = ", " ", "%", "%(",
            "$(", "@(", ")", "(", "%d", "%n", "%%", "%_", ";", "#", "[", "]", "\0", ":", "+", "-", "*", "/", "++",
            "--", "0", "-1", "7", "abc", "x", "HOME", "fuzz.ini", "other.ini", "emperor", "emperor-freq", "include",
            "ini", "inherit", "set", "set-ph", "for", "for-times", "for-readline", "endfor", "end", "if-env",
            "if-opt", "if-not-exists", "if-hostname-match", "endif", "strict", "emperor-tyrant", "chmod-socket",
            "safe-fd", "log-date", "listen", "emperor-stats", "master", "pg://x", "dir://", "x%(x)", "%(a b)");

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
        return out.toByteArray();
    }

    @Test
    void loaderOnlyEverThrowsConfigException() throws Exception {
        Random rnd = new Random(SEED);
        Files.writeString(tmp.resolve("other.ini"), "[uwsgi]\nemperor = %n\nx = 1\n");
        Path file = tmp.resolve("fuzz.ini");
        Map<String, String> environ = Map.of("HOME", "/home/fuzz", "UWSGI_EMPEROR", "/e");
        for (int i = 0; i < CASES; i++) {
            byte[] content = randomConfig(rnd);
            Files.write(file, content);
            try {
                ConfigLoader.load(List.of(RawOption.of("ini", "fuzz.ini")), environ, tmp, ConfigFixture.FACTS);
            } catch (ConfigException expected) {
                // a refusal is a fine answer to garbage
            } catch (Throwable t) {
                fail("case " + i + " threw " + t + " for input: "
                        + new String(content, StandardCharsets.ISO_8859_1).replace("\n", "\\n"), t);
            }
        }
    }

    @Test
    void iniReaderNeverThrows() {
        Random rnd = new Random(SEED + 1);
        for (int i = 0; i < CASES; i++) {
            String text = IniReader.decode(randomConfig(rnd));
            try {
                IniReader.parse(text, "uwsgi");
                new MagicVars(ConfigFixture.FACTS, tmp).substitute(text);
            } catch (Throwable t) {
                fail("case " + i + " threw " + t, t);
            }
        }
    }
}
