package dev.emperor.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Writes config files into a temporary directory and loads them with pinned host facts. */
final class ConfigFixture {

    static final HostFacts FACTS = new HostFacts("testhost", "9.9.9", 4, 1000, "alice", 100, "staff",
            "/usr/bin/uwsgi", 1_700_000_000L, 1_700_000_000_123_456L);

    final Path dir;

    ConfigFixture(Path dir) {
        this.dir = dir;
    }

    /** Write {@code text} (UTF-8) to {@code name} under the fixture directory, creating parents. */
    Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    static RawOption opt(String key, String value) {
        return RawOption.of(key, value);
    }

    LoadResult load(RawOption... commandLine) throws ConfigException {
        return load(Map.of(), commandLine);
    }

    LoadResult load(Map<String, String> environ, RawOption... commandLine) throws ConfigException {
        return ConfigLoader.load(Arrays.asList(commandLine), environ, dir, FACTS);
    }

    /** Write {@code text} as {@code name} and load it with {@code --ini name}. */
    LoadResult loadIni(String name, String text) throws IOException, ConfigException {
        write(name, text);
        return load(opt("ini", name));
    }

    /** Lines joined with '\n', with a final newline. */
    static String lines(String... lines) {
        return String.join("\n", List.of(lines)) + "\n";
    }

    static Map<String, String> env(String... keyValues) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
