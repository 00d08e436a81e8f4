package dev.emperor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * uWSGI master's {@code emperor-wrapper-attr}, {@code emperor-chdir-attr}, {@code emperor-trigger-socket} are read,
 * {@code subscription-vassal-required} (a subscription server's option) is accepted with the ignore warning, and
 * the refusals left in the Emperor table name their reason (docs/uwsgi-compat.md, "Options").
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MasterAttrOptionsTest {
    @TempDir
    Path tmp;
    ConfigFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ConfigFixture(tmp);
    }

    @Test
    void theMasterOptionsAreRead() throws Exception {
        LoadResult r = fx.loadIni("e.ini", "[uwsgi]\nemperor = /v\nemperor-collect-attr = bin\nemperor-collect-attr = dir\n"
                + "emperor-wrapper-attr = bin\nemperor-chdir-attr = dir\nemperor-trigger-socket = 127.0.0.1:4040\n");
        assertEquals("bin", r.config().wrapperAttr());
        assertEquals("dir", r.config().chdirAttr());
        assertEquals("127.0.0.1:4040", r.config().triggerSocket());
        assertEquals(List.of("bin", "dir"), r.config().collectAttrs());
        assertEquals(List.of(), r.warnings());
    }

    @Test
    void unsetMeansNone() throws Exception {
        LoadResult r = fx.loadIni("e.ini", "[uwsgi]\nemperor = /v\n");
        assertNull(r.config().wrapperAttr());
        assertNull(r.config().chdirAttr());
        assertNull(r.config().triggerSocket());
    }

    @Test
    void subscriptionVassalRequiredIsASubscriptionServersOptionIgnoredWithAWarning() throws Exception {
        LoadResult r = fx.loadIni("e.ini", "[uwsgi]\nemperor = /v\nsubscription-vassal-required = true\n");
        assertEquals(1, r.warnings().size());
        String w = r.warnings().get(0);
        assertTrue(w.startsWith("[emperor] ignoring option 'subscription-vassal-required' "), w);
        assertTrue(w.endsWith(": no effect on this daemon"), w);
        assertEquals(OptionStatus.IGNORED, OptionTable.lookup("subscription-vassal-required").status());
    }

    @Test
    void zeusAndForkSocketAreRefusedWithTheirReason() {
        ConfigException zeus = assertThrows(ConfigException.class, () -> fx.loadIni("e.ini", "[uwsgi]\nzeus = 127.0.0.1:4040\n"));
        assertEquals("not supported: " + RefusalReasons.of(OptionTable.lookup("zeus")), zeus.detail());
        ConfigException fork = assertThrows(ConfigException.class, () -> fx.loadIni("e.ini", "[uwsgi]\nfork-server = /run/fs\n"));
        assertEquals("not supported: " + RefusalReasons.of(OptionTable.lookup("fork-socket")), fork.detail());
    }
}
