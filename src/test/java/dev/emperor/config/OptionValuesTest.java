package dev.emperor.config;

import static dev.emperor.config.ConfigFixture.lines;
import static dev.emperor.config.ConfigFixture.opt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** Typed values: defaults, parsers (ini-dialect §8), precedence (§3) and every mapped option. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OptionValuesTest {

    @TempDir
    Path tmp;
    ConfigFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ConfigFixture(tmp);
    }

    private EmperorConfig ini(String... iniLines) throws Exception {
        return fx.loadIni("o.ini", "[uwsgi]\n" + lines(iniLines)).config();
    }

    @Test
    void uwsgiDefaults() throws Exception {
        EmperorConfig c = fx.load().config();
        assertEquals(List.of(), c.monitors());
        assertEquals(3, c.freq());
        assertNull(c.statsAddress());
        assertEquals(1000, c.throttleMs());
        assertEquals(180_000, c.maxThrottleMs());
        assertEquals(30, c.requiredHeartbeat());
        assertEquals(30, c.curseTolerance());
        assertEquals(0, c.reloadMercy());
        assertEquals(4, c.socketTimeout());
        assertEquals(100, c.listen());
        assertFalse(c.noBlacklist() || c.gracefulShutdown() || c.nofollow());
        assertNull(c.chmodSocket());
        assertNull(c.logDate());
        assertEquals(tmp.toAbsolutePath().normalize(), c.startupCwd());
    }

    @Test
    void everyMappedOption() throws Exception {
        EmperorConfig c = ini("emperor = /v1", "emperor = glob:///g/*.ini", "emperor-freq = 5",
                "emperor-stats-server = 127.0.0.1:9191", "emperor-throttle = 10", "emperor-max-throttle = 20",
                "emperor-no-blacklist", "emperor-required-heartbeat = 11", "emperor-curse-tolerance = 12",
                "reload-mercy = 13", "emperor-graceful-shutdown = yes", "emperor-nofollow = on",
                "emperor-extra-ext = .conf", "emperor-extra-extension = .cfg", "binary-path = /bin/uwsgi",
                "emperor-wrapper = /w", "emperor-wrapper-override = /o1", "emperor-wrapper-fallback = /f1",
                "vassals-inherit-before = ib.ini", "vassals-include-before = cb.ini", "vassal-set = processes=2",
                "vassals-set = threads=4", "vassals-inherit = i.ini", "vassals-include = c.ini",
                "emperor-pidfile = /run/e.pid", "logto2 = /log/e.log", "daemonize2 = /log/d.log",
                "emperor-procname = emp", "uid = www", "gid = 33", "socket-timeout = 6", "listen = 200",
                "chmod = 640", "logdate = %%Y", "env = A=1", "env = B=2", "unenv = C", "chdir = /srv",
                "safe-fd = 5", "safe-fd = 7", "force-cwd = /base");
        assertEquals(List.of("/v1", "glob:///g/*.ini"), c.monitors());
        assertEquals(5, c.freq());
        assertEquals("127.0.0.1:9191", c.statsAddress());
        assertEquals(10, c.throttleMs());
        assertEquals(20, c.maxThrottleMs());
        assertTrue(c.noBlacklist());
        assertEquals(11, c.requiredHeartbeat());
        assertEquals(12, c.curseTolerance());
        assertEquals(13, c.reloadMercy());
        assertTrue(c.gracefulShutdown());
        assertTrue(c.nofollow());
        assertEquals(List.of(".conf", ".cfg"), c.extraExtensions());
        assertEquals("/bin/uwsgi", c.binaryPath());
        assertEquals("/w", c.wrapper());
        assertEquals(List.of("/o1"), c.wrapperOverride());
        assertEquals(List.of("/f1"), c.wrapperFallback());
        assertEquals(List.of("ib.ini"), c.vassalsInheritBefore());
        assertEquals(List.of("cb.ini"), c.vassalsIncludeBefore());
        assertEquals(List.of("processes=2", "threads=4"), c.vassalSet());
        assertEquals(List.of("i.ini"), c.vassalsInherit());
        assertEquals(List.of("c.ini"), c.vassalsInclude());
        assertEquals("/run/e.pid", c.pidfile());
        assertEquals("/log/e.log", c.logto());
        assertEquals("/log/d.log", c.daemonize());
        assertEquals("emp", c.procname());
        assertEquals("www", c.uid());
        assertEquals("33", c.gid());
        assertEquals(6, c.socketTimeout());
        assertEquals(200, c.listen());
        assertEquals("640", c.chmodSocket());
        assertEquals("%Y", c.logDate());
        assertEquals(List.of("A=1", "B=2"), c.env());
        assertEquals(List.of("C"), c.unenv());
        assertEquals("/srv", c.chdir());
        assertEquals(List.of(5, 7), c.safeFds());
        assertEquals(Path.of("/base"), c.startupCwd());
    }

    @Test
    void scalarsLastWinsListsAccumulate() throws Exception {
        EmperorConfig c = ini("emperor-freq = 4", "emperor = /a", "emperor-stats = :1", "emperor-freq = 6",
                "emperor = /b", "emperor-stats-server = :2");
        assertEquals(6, c.freq());
        assertEquals(":2", c.statsAddress());
        assertEquals(List.of("/a", "/b"), c.monitors());
    }

    @Test
    void booleans() throws Exception {
        for (String off : List.of("false", "FALSE", "off", "No", "0")) {
            assertFalse(ini("emperor-nofollow = " + off).nofollow(), off);
        }
        for (String on : List.of("", "true", "1", "yes", "00", "anything")) {
            assertTrue(ini("emperor-nofollow = " + on).nofollow(), on);
        }
        assertTrue(ini("emperor-nofollow").nofollow());
        assertFalse(ini("emperor-nofollow", "emperor-nofollow = off").nofollow());
    }

    @Test
    void integersFollowAtoiButRejectGarbage() throws Exception {
        assertEquals(3, ini("emperor-freq = 3s").freq());
        assertEquals(7, ini("emperor-freq =  +7").freq());
        ConfigException e = assertThrows(ConfigException.class, () -> ini("emperor-freq = 2", "listen = abc"));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().endsWith("option 'listen': invalid value for option \"listen\": 'abc' is not a number"),
                e.getMessage());
        assertThrows(ConfigException.class, () -> ini("emperor-throttle ="));
        assertThrows(ConfigException.class, () -> ini("emperor-throttle = 99999999999"));
    }

    @Test
    void negativeIntegersAreRefusedWithUwsgisMessage() {
        ConfigException e = assertThrows(ConfigException.class, () -> ini("emperor-throttle = -5"));
        assertEquals("emperor-throttle", e.option());
        assertTrue(e.getMessage().endsWith("invalid value for option \"emperor-throttle\": must be > 0"),
                e.getMessage());
    }

    @Test
    void emperorFreqMustBeAtLeastOne() {
        ConfigException e = assertThrows(ConfigException.class, () -> fx.load(opt("emperor-freq", "0")));
        assertTrue(e.getMessage().contains("emperor-freq must be at least 1"), e.getMessage());
    }

    @Test
    void chmodSocket() throws Exception {
        assertEquals("666", ini("chmod-socket").chmodSocket());
        assertEquals("666", ini("chmod-socket = 1").chmodSocket());
        assertEquals("600", ini("chmod-socket = 600").chmodSocket());
        ConfigException e = assertThrows(ConfigException.class, () -> ini("chmod-socket = 0644"));
        assertTrue(e.getMessage().endsWith("invalid chmod value: 0644"), e.getMessage());
        assertThrows(ConfigException.class, () -> ini("chmod-socket = 688"));
    }

    @Test
    void logDate() throws Exception {
        assertEquals("", ini("log-date").logDate());
        assertEquals("", ini("log-date = true").logDate());
        assertEquals("", ini("logdate = 1").logDate());
        assertEquals("[%Y-%m-%d]", ini("log-date = [%%Y-%%m-%%d]").logDate());
    }

    @Test
    void safeFdMustBeANonNegativeNumber() {
        ConfigException e = assertThrows(ConfigException.class, () -> ini("safe-fd = -1"));
        assertTrue(e.getMessage().endsWith("invalid file descriptor: -1"), e.getMessage());
        assertThrows(ConfigException.class, () -> ini("safe-fd = x"));
    }

    @Test
    void monitorSchemesOtherThanDirGlobPgAndZmqAreNotSupportedYet() throws Exception {
        assertEquals(List.of("dir:///srv/v"), ini("emperor = dir:///srv/v").monitors());
        assertEquals(List.of("pg://host=h;SELECT 1"), ini("emperor = pg://host=h;SELECT 1").monitors());
        assertEquals("fleet", ini("emperor-pg-channel = fleet").pgChannel());
        assertEquals(List.of("zmq://tcp://127.0.0.1:5252"), ini("emperor = zmq://tcp://127.0.0.1:5252").monitors());
        for (String scheme : List.of("mongodb", "amqp")) {
            ConfigException e = assertThrows(ConfigException.class, () -> ini("emperor = " + scheme + "://x"));
            assertTrue(e.getMessage().contains("imperial monitor '" + scheme
                    + "://' is not supported yet (only directories, globs and pg://, zmq://)"), e.getMessage());
        }
    }

    @Test
    void statsAndMonitorListFlags() throws Exception {
        LoadResult none = fx.load();
        assertFalse(none.statsHttp() || none.statsMinified() || none.imperialMonitorList());
        LoadResult r = fx.loadIni("s.ini", "[uwsgi]\n" + lines("stats-http", "stats-min = 1", "imperial-monitors-list"));
        assertTrue(r.statsHttp());
        assertTrue(r.statsMinified());
        assertTrue(r.imperialMonitorList());
        assertEquals(List.of(), r.warnings());
    }

    @Test
    void placeholdersHoldTheFirstValueOfEveryKey() throws Exception {
        EmperorConfig c = ini("emperor-freq = 4", "my-var = x", "emperor-freq = 5");
        assertEquals("4", c.placeholders().get("emperor-freq"));
        assertEquals("x", c.placeholders().get("my-var"));
        assertEquals(List.of("ini", "emperor-freq", "my-var"), List.copyOf(c.placeholders().keySet()));
    }

    @Test
    void listenIsImmediateSoItIsNotExpanded() {
        // uWSGI flags listen UWSGI_OPT_IMMEDIATE: "%(n)" reaches atoi() unexpanded
        assertThrows(ConfigException.class, () -> ini("n = 10", "listen = %(n)"));
    }

    @Test
    void logFormatAndVassalLogsAreThisDaemonsOptions() throws Exception {
        EmperorConfig plain = ini("emperor = /v");
        assertFalse(plain.jsonLogs());
        assertNull(plain.vassalLogs());
        EmperorConfig json = ini("emperor = /v", "log-format = json", "emperor-vassal-logs = /var/log/emperor");
        assertTrue(json.jsonLogs());
        assertEquals("/var/log/emperor", json.vassalLogs());
        assertTrue(json.where("emperor-vassal-logs").matches(" \\(.*o\\.ini:4\\)"), json.where("emperor-vassal-logs"));
        assertTrue(json.where("emperor /v").endsWith("o.ini:2)"), "each monitor's own line: " + json.where("emperor /v"));
        assertFalse(ini("log-format = JSON", "log-format = plain").jsonLogs(), "last one wins");
        ConfigException e = assertThrows(ConfigException.class, () -> ini("emperor = /v", "log-format = yaml"));
        assertTrue(e.getMessage().contains("log-format") && e.getMessage().contains("yaml")
                && e.getMessage().contains("plain or json") && e.getMessage().contains("o.ini:3"), e.getMessage());
        // uWSGI's log-format (alias of logformat, request logs of workers) is still ignored with a warning
        LoadResult r = fx.loadIni("r.ini", "[uwsgi]\nemperor = /v\nlog-format = %(addr) - %(method) %(uri)\n");
        assertFalse(r.config().jsonLogs());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("log-format") && w.contains("no effect")), r.warnings()::toString);
    }
}
