package dev.emperor.regression;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.config.ConfigException;
import dev.emperor.config.ConfigLoader;
import dev.emperor.config.RawOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * uWSGI BUG (lifecycle §11, verified): with {@code vassals-stop-hook} set, Ragnarok's hook loop
 * consumes the vassal list cursor, no vassal gets its stop byte and all are SIGKILLed at
 * reload-mercy. Until hooks are implemented properly the option is refused, never half-honoured.
 */
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class VassalsStopHookBugTest {

    @Test
    void stopHookIsRefusedRatherThanBreakingShutdown() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(
                List.of(RawOption.of("emperor", "/tmp"), RawOption.of("vassals-stop-hook", "/bin/true")), Map.of(), Path.of("/tmp")));
        assertTrue(e.getMessage().endsWith("not supported yet"), e.getMessage());
    }
}
