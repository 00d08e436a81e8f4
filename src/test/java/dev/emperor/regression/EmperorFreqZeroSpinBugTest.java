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

/** uWSGI UNSAFE (lifecycle §2, verified): {@code emperor-freq 0} makes the loop spin at 100 % CPU. Refused here. */
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class EmperorFreqZeroSpinBugTest {

    @Test
    void zeroFrequencyIsAConfigurationError() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(
                List.of(RawOption.of("emperor", "/tmp"), RawOption.of("emperor-freq", "0")), Map.of(), Path.of("/tmp")));
        assertTrue(e.getMessage().contains("emperor-freq"), e.getMessage());
    }
}
