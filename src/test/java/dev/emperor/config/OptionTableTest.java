package dev.emperor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The option table: names, aliases, kinds and statuses (emperor-options.md §1–§3). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OptionTableTest {

    private static OptionDef def(String name) {
        OptionDef d = OptionTable.lookup(name);
        assertNotNull(d, name);
        return d;
    }

    @Test
    void supportedOptions() {
        for (String name : List.of("emperor", "emperor-freq", "emperor-stats", "emperor-stats-server",
                "emperor-pidfile", "emperor-procname", "emperor-nofollow", "emperor-required-heartbeat",
                "emperor-curse-tolerance", "emperor-throttle", "emperor-max-throttle", "emperor-no-blacklist",
                "emperor-graceful-shutdown", "emperor-extra-extension", "emperor-extra-ext", "emperor-wrapper",
                "emperor-wrapper-override", "emperor-wrapper-fallback", "imperial-monitor-list",
                "imperial-monitors-list", "vassals-inherit", "vassals-include", "vassals-inherit-before",
                "vassals-include-before", "vassals-set", "vassal-set", "binary-path", "reload-mercy", "ini",
                "include", "inherit", "set", "set-placeholder", "set-ph", "strict", "daemonize", "daemonize2",
                "logto", "logto2", "log-date", "logdate", "uid", "gid", "chmod-socket", "chmod", "socket-timeout",
                "listen", "stats-http", "stats-minified", "stats-min", "env", "unenv", "chdir", "force-cwd",
                "safe-fd")) {
            assertEquals(OptionStatus.SUPPORTED, def(name).status(), name);
        }
    }

    @Test
    void notYetOptions() {
        for (String name : List.of(
                // refused with their reason (config/HookOptions), never implemented: dlsym calls
                "call-as-emperor", "call-as-emperor1", "call-as-emperor2", "call-as-emperor4", "call-as-vassal",
                "call-as-vassal1", "call-as-vassal3",

                                "fork-server", "fork-socket", "zeus", "hook-as-emperor-setns", "xml", "yaml", "json", "config",
                "declare-option", "for-glob", "umask", "abstract-socket")) {
            assertEquals(OptionStatus.NOT_YET, def(name).status(), name);
        }
    }

    @Test
    void genericUwsgiOptionsAreIgnored() {
        for (String name : List.of("master", "plugins", "plugin", "need-plugin", "plugins-dir",
                "die-on-term", "procname", "auto-procname", "heartbeat", "idle")) {
            assertEquals(OptionStatus.IGNORED, def(name).status(), name);
        }
    }

    @Test
    void pidfilesOfTheEmperorProcessAreSupported() {
        for (String name : List.of("pidfile", "pidfile2", "vacuum")) {
            assertEquals(OptionStatus.SUPPORTED, def(name).status(), name);
        }
    }

    @Test
    void aliasesShareOneDefinition() {
        assertSame(def("emperor-stats"), def("emperor-stats-server"));
        assertSame(def("vassals-set"), def("vassal-set"));
        assertSame(def("emperor-cap"), def("vassal-cap"));
        assertEquals("emperor-extra-extension", def("emperor-extra-ext").name());
    }

    @Test
    void kindsAndCommandLineShape() {
        assertEquals(OptionKind.LIST, def("emperor").kind());
        assertEquals(OptionKind.INT, def("emperor-freq").kind());
        assertEquals(OptionKind.BOOL, def("emperor-nofollow").kind());
        assertEquals(OptionKind.STRING, def("emperor-stats").kind());
        assertTrue(def("emperor-nofollow").valueOptional());
        assertTrue(def("log-date").valueOptional());
        assertTrue(def("chmod-socket").valueOptional());
        assertTrue(def("endif").valueOptional());
        assertFalse(def("emperor").valueOptional());
        assertEquals('l', def("listen").shortName());
        assertNull(def("emperor").shortName());
    }

    @Test
    void immediateOptionsFollowUwsgi() {
        for (String name : List.of("ini", "include", "set", "set-ph", "strict", "for", "if-env", "endif", "listen")) {
            assertTrue(def(name).immediate(), name);
        }
        for (String name : List.of("inherit", "emperor", "emperor-freq")) {
            assertFalse(def(name).immediate(), name);
        }
    }

    @Test
    void unknownKeys() {
        assertNull(OptionTable.lookup("socket"));
        assertNull(OptionTable.lookup("Emperor"));
        assertNull(OptionTable.lookup("end"));
        assertTrue(OptionTable.isBlockCloser("end"));
    }

    @Test
    void didYouMean() {
        assertEquals("emperor-freq", OptionTable.suggest("emperor-freqq"));
        assertEquals("emperor", OptionTable.suggest("emperro"));
        assertEquals("emperor-stats", OptionTable.suggest("emperor-stat"));
        assertEquals("ini", OptionTable.suggest("inj"));
        assertNull(OptionTable.suggest("x"));
        assertNull(OptionTable.suggest("completely-different"));
    }

    @Test
    void levenshtein() {
        assertEquals(0, OptionTable.levenshtein("abc", "abc", 5));
        assertEquals(1, OptionTable.levenshtein("abc", "abd", 5));
        assertEquals(3, OptionTable.levenshtein("kitten", "sitting", 5));
        assertEquals(2, OptionTable.levenshtein("kitten", "sitting", 2));
    }
}
