package dev.emperor.config;

import static dev.emperor.config.ConfigFixture.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The on-demand options are supported under their uWSGI names and aliases (emperor-options.md §1). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OnDemandOptionsTest {
    @TempDir
    Path tmp;

    private EmperorConfig ini(String... iniLines) throws Exception {
        LoadResult r = new ConfigFixture(tmp).loadIni("e.ini", "[uwsgi]\n" + lines(iniLines));
        assertEquals(List.of(), r.warnings());
        return r.config();
    }

    @Test
    void longNames() throws Exception {
        EmperorConfig c = ini("emperor = /v", "emperor-on-demand-extension = .socket",
                "emperor-on-demand-directory = /run/od", "emperor-on-demand-exec = /usr/bin/lookup --x");
        assertEquals(".socket", c.onDemandExtension());
        assertEquals("/run/od", c.onDemandDirectory());
        assertEquals("/usr/bin/lookup --x", c.onDemandExec());
        assertEquals(100, c.listen(), "the backlog of on-demand sockets");
    }

    @Test
    void aliasesAndDefaults() throws Exception {
        EmperorConfig c = ini("emperor = /v", "emperor-on-demand-ext = .od", "emperor-on-demand-dir = /tmp/x", "listen = 7");
        assertEquals(".od", c.onDemandExtension());
        assertEquals("/tmp/x", c.onDemandDirectory());
        assertNull(c.onDemandExec());
        assertEquals(7, c.listen());
        EmperorConfig none = ini("emperor = /v");
        assertNull(none.onDemandExtension());
        assertNull(none.onDemandDirectory());
        assertNull(none.onDemandExec());
    }
}
