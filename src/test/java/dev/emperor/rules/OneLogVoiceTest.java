package dev.emperor.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Log lines go through core/EmperorLog (so log-date dates them all), not through slf4j directly
 * (docs/architecture.md, "Logging"). The exceptions and why:
 * log/EarlyLog writes the lines of config/ConfigFiles and config/Warnings, said while the
 * configuration, log-date included, is still being read (and logback maybe still being set up);
 * log/LogSetup sets slf4j up on its own thread at start-up; cli/Ctl only turns the config
 * loader's INFO lines off for a ctl command.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OneLogVoiceTest {
    static final Set<String> ALLOWED = Set.of(
            "dev/emperor/core/EmperorLog.java",
            "dev/emperor/log/EarlyLog.java",
            "dev/emperor/log/LogSetup.java",
            "dev/emperor/cli/Ctl.java");

    @Test
    void onlyTheFacadeUsesSlf4jsLoggerFactory() {
        Path src = RepoFiles.root().resolve("src/main/java");
        List<String> offenders = new ArrayList<>();
        for (Path p : RepoFiles.mainSources()) {
            String rel = src.relativize(p).toString();
            if (RepoFiles.read(p).contains("LoggerFactory") && !ALLOWED.contains(rel)) {
                offenders.add(rel);
            }
        }
        assertEquals(List.of(), offenders, "log through EmperorLog (dev.emperor.log.Log below core)");
    }
}
