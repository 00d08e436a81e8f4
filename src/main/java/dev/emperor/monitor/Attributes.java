package dev.emperor.monitor;

import dev.emperor.config.IniReader;
import dev.emperor.internal.RegularFiles;
import dev.emperor.internal.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code emperor-collect-attr} (uWSGI master {@code core/ini.c: uwsgi_emperor_ini_attrs}): the
 * listed keys of an {@code .ini} vassal's {@code [emperor]} section, with uWSGI's line rules and
 * no placeholders or magic variables. First occurrence wins; files over 1 MiB are not read.
 */
final class Attributes {
    private static final int MAX_SIZE = 1 << 20;

    private Attributes() {
    }

    /**
     * @throws IOException only for a failure that says nothing about the file (out of fds, EIO ...):
     *                     the caller keeps the vassal as it is (docs/reliability.md); any other failure
     *                     gives no attributes, as before
     */
    static Map<String, String> collect(Path file, String name, List<String> keys) throws IOException {
        if (keys.isEmpty() || !name.endsWith(".ini")) {
            return Map.of();
        }
        try {
            if (Files.size(file) > MAX_SIZE) {
                return Map.of(); // the common case of a big file costs a stat, not a 1 MiB read per scan
            }
            // bounded and non-blocking: a file grown past the limit after a size check, or swapped for
            // a FIFO or device, costs at most MAX_SIZE + 1 bytes and never hangs the scanner
            byte[] bytes = RegularFiles.readHead(file, MAX_SIZE + 1, false);
            if (bytes.length > MAX_SIZE) {
                return Map.of();
            }
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            Map<String, String> out = new LinkedHashMap<>();
            for (IniReader.Line line : IniReader.parse(text, "emperor").options()) {
                if (keys.contains(line.key())) {
                    out.putIfAbsent(line.key(), line.value());
                }
            }
            return out;
        } catch (IOException e) {
            if (Errno.saysNothingAboutIt(e)) {
                throw e;
            }
            return Map.of();
        } catch (RuntimeException e) {
            return Map.of();
        }
    }
}
