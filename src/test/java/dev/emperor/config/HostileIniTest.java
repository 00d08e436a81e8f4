package dev.emperor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Emperor's own ini loader fed hostile files: a 1 MB line, invalid UTF-8, a directory where a file is
 * expected. Either the config loads (uWSGI works on bytes, so should we) or a {@link ConfigException} names
 * file and line; never another exception.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostileIniTest {

    @TempDir
    Path dir;

    private LoadResult load(String file) throws ConfigException {
        return ConfigLoader.load(List.of(RawOption.of("ini", file)), Map.of(), dir, ConfigFixture.FACTS);
    }

    @Test
    void aOneMegabyteCommentLineIsJustAComment() throws Exception {
        Files.writeString(dir.resolve("e.ini"), "[uwsgi]\n; " + "x".repeat(1 << 20) + "\nemperor = /srv/v\nemperor-freq = 7\n");
        LoadResult r = load("e.ini");
        assertEquals(List.of("/srv/v"), r.config().monitors());
        assertEquals(7, r.config().freq());
    }

    @Test
    void aOneMegabyteValueOfANumericOptionIsRefusedWithFileAndLine() throws Exception {
        Files.writeString(dir.resolve("e.ini"), "[uwsgi]\nemperor = /srv/v\n\nemperor-freq = " + "9".repeat(1 << 20) + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load("e.ini"));
        assertEquals(4, e.line(), e.getMessage().substring(0, Math.min(200, e.getMessage().length())));
        assertTrue(e.file().endsWith("e.ini"), e.file());
        assertEquals("emperor-freq", e.option());
    }

    @Test
    void invalidUtf8IsReadByteForByteAsLatin1() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("[uwsgi]\n; \u00ff\u00fe broken: ".getBytes(StandardCharsets.ISO_8859_1));
        b.writeBytes(new byte[] {(byte) 0xc3, (byte) 0x28, (byte) 0xa0, (byte) 0xa1, '\n'});
        b.writeBytes("emperor = /srv/v\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("e.ini"), b.toByteArray());
        LoadResult r = load("e.ini");
        // the byte 0xE9 kept as U+00E9 (Latin-1), not turned into U+FFFD
        assertEquals(List.of("/srv/v\u00e9"), r.config().monitors());
    }

    @Test
    void invalidUtf8InAnOptionNameIsAnUnknownOptionWarningNotACrash() throws Exception {
        Files.write(dir.resolve("e.ini"), ("[uwsgi]\nemperor = /srv/v\nemp\u00ffror-freq = 3\n").getBytes(StandardCharsets.ISO_8859_1));
        LoadResult r = load("e.ini");
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("emp\u00ffror-freq")), r.warnings()::toString);
    }

    /** Found by FuzzTest: a file that never ends was read until OutOfMemoryError (or hung the case). */
    @Test
    void aFileThatNeverEndsIsRefusedNotReadToDeath() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> load("/dev/zero"));
        assertTrue(e.getMessage().contains("larger than 16 MiB"), e.getMessage());
        Files.writeString(dir.resolve("e.ini"), "[uwsgi]\nemperor = /srv/v\nfor-readline = /dev/zero\nemperor-extra-extension = %(_)\nendfor =\n");
        LoadResult r = load("e.ini");
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("for-readline: cannot read /dev/zero")), r.warnings()::toString);
    }

    @Test
    void aDirectoryInsteadOfAFileIsAConfigException() throws Exception {
        Files.createDirectory(dir.resolve("d.ini"));
        ConfigException e = assertThrows(ConfigException.class, () -> load("d.ini"));
        assertTrue(e.getMessage().contains("cannot read d.ini"), e.getMessage());
    }
}
