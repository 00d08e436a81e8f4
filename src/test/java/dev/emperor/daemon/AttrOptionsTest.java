package dev.emperor.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.emperor.config.ConfigLoader;
import dev.emperor.config.EmperorConfig;
import dev.emperor.config.RawOption;
import dev.emperor.core.EmperorLog;
import dev.emperor.spawn.VassalAttrs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** An {@code -attr} option naming a key that is not collected never applies: one warning says so (docs/uwsgi-compat.md, "Vassal attributes"). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AttrOptionsTest {

    static EmperorConfig load(String... kv) throws Exception {
        List<RawOption> opts = new java.util.ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            opts.add(RawOption.of(kv[i], kv[i + 1]));
        }
        return ConfigLoader.load(opts, Map.of(), Path.of("/")).config();
    }

    static List<String> warningsOf(EmperorConfig c, VassalAttrs[] out) {
        Logger logger = (Logger) LoggerFactory.getLogger("emperor");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            out[0] = AttrOptions.check(c, new EmperorLog(null, System::currentTimeMillis));
        } finally {
            logger.detachAppender(appender);
        }
        return appender.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void anUncollectedKeyIsWarnedAbout() throws Exception {
        VassalAttrs[] attrs = new VassalAttrs[1];
        List<String> w = warningsOf(load("emperor", "/v", "emperor-collect-attr", "dir", "emperor-wrapper-attr", "bin",
                "emperor-chdir-attr", "dir"), attrs);
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("[emperor] emperor-wrapper-attr = bin"), w.get(0));
        assertTrue(w.get(0).endsWith("never applies: 'bin' is not collected (add emperor-collect-attr = bin)"), w.get(0));
        assertEquals(new VassalAttrs("bin", "dir", false), attrs[0]);
    }

    @Test
    void collectedKeysAndTyrant() throws Exception {
        VassalAttrs[] attrs = new VassalAttrs[1];
        List<String> w = warningsOf(load("emperor", "/v", "emperor-collect-attr", "dir", "emperor-chdir-attr", "dir",
                "emperor-tyrant", "true"), attrs);
        assertFalse(w.stream().anyMatch(l -> l.contains("never applies")), w.toString());
        assertTrue(attrs[0].chdirAsOwner(), "under Tyrant the chdir is the owner's");
    }
}
