package dev.emperor.config;

import static dev.emperor.config.ConfigFixture.opt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** emperor-tyrant(-nofollow/-initgroups), emperor-cap and emperor-use-clone as options. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PrivilegeOptionsTest {
    @TempDir
    Path tmp;
    ConfigFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ConfigFixture(tmp);
    }

    private EmperorConfig ini(String text) throws Exception {
        return fx.loadIni("e.ini", "[uwsgi]\nemperor = /v\n" + text).config();
    }

    @Test
    void tyrantOptionsDefaultOff() throws Exception {
        EmperorConfig c = ini("");
        assertFalse(c.tyrant());
        assertFalse(c.tyrantNofollow());
        assertFalse(c.tyrantInitgroups());
        assertEquals(List.of(), c.caps());
        assertEquals(List.of(), c.namespaces());
    }

    @Test
    void tyrantOptionsAreBooleans() throws Exception {
        EmperorConfig c = ini("emperor-tyrant = true\nemperor-tyrant-nofollow = 1\nemperor-tyrant-initgroups =\n");
        assertTrue(c.tyrant());
        assertTrue(c.tyrantNofollow());
        assertTrue(c.tyrantInitgroups());
    }

    @Test
    void capsAndTheirAliases() throws Exception {
        assertEquals(List.of("setuid", "setgid", "net_bind_service"),
                ini("emperor-cap = setuid,setgid,net_bind_service\n").caps());
        assertEquals(List.of("kill"), ini("vassals-cap = kill\n").caps());
        assertEquals(List.of("chown", "net_bind_service"), ini("vassal-cap = 0,,10,chown\n").caps());
    }

    @Test
    void unknownCapabilityNamesTheOptionAndTheName() {
        ConfigException e = assertThrows(ConfigException.class, () -> ini("emperor-cap = setuid,net_bind\n"));
        assertEquals(tmp.resolve("e.ini") + ":3: option 'emperor-cap': [security] unknown capability: net_bind"
                + " (names as in uWSGI, lower case without cap_, e.g. net_bind_service)", e.getMessage());
        assertThrows(ConfigException.class, () -> ini("emperor-cap = 99\n"));
    }

    @Test
    void emptyMaskIsUwsgisFatalError() {
        ConfigException e = assertThrows(ConfigException.class, () -> fx.load(opt("emperor", "/v"), opt("emperor-cap", ",")));
        assertEquals("command line: option 'emperor-cap': [security] empty capabilities mask !!!", e.getMessage());
    }

    @Test
    void namespacesAreNormalisedAndOrdered() throws Exception {
        assertEquals(List.of("mount", "uts", "ipc", "net"), ini("emperor-use-clone = net,ipc,uts,mnt,ns,mount\n").namespaces());
        assertEquals(List.of("uts"), ini("emperor-use-clone = uts\n").namespaces());
        assertEquals(List.of("user", "mount", "uts", "ipc", "net", "pid"),
                ini("emperor-use-clone = pid,net,user,ipc,uts,mnt\n").namespaces());
    }

    @Test
    void fsIsAMountNamespaceAsInUwsgi2() throws Exception {
        // Emperor.rst / Namespaces.rst: emperor-use-clone = fs,net,ipc,pid,uts
        assertEquals(List.of("mount", "uts", "ipc", "net", "pid"), ini("emperor-use-clone = fs,net,ipc,pid,uts\n").namespaces());
    }

    @Test
    void unknownNamespaceIsUwsgisError() {
        ConfigException e = assertThrows(ConfigException.class, () -> ini("emperor-use-clone = uts,cgroupz\n"));
        assertTrue(e.getMessage().endsWith("option 'emperor-use-clone': unknown namespace subsystem: cgroupz"), e.getMessage());
    }

    @Test
    void sharingFlagsAreAcceptedWithOneWarningEach() throws Exception {
        for (String flag : List.of("files", "io", "parent", "sysvsem")) {
            LoadResult r = fx.loadIni("e.ini", "[uwsgi]\nemperor = /v\nemperor-use-clone = net," + flag + "\n");
            assertEquals(List.of("net"), r.config().namespaces(), flag);
            assertEquals(1, r.warnings().size(), flag + ": " + r.warnings());
            assertTrue(r.warnings().get(0).matches("\\[emperor\\] emperor-use-clone '" + flag + "' in .*e\\.ini:3 has no effect: .*"),
                    r.warnings().get(0));
        }
    }

    @Test
    void tyrantInANewUserNamespaceIsRefusedAtLoad() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ini("emperor-tyrant = true\nemperor-use-clone = user,net\n"));
        assertTrue(e.getMessage().contains("only root is mapped"), e.getMessage());
    }

    @Test
    void tyrantWithForkServerAdoptionIsRefusedAtLoad() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ini("emperor-tyrant = true\nemperor-use-fork-server = /run/fs.sock\n"));
        assertEquals(tmp.resolve("e.ini") + ":3: option 'emperor-tyrant': cannot be combined with emperor-use-fork-server ("
                + tmp.resolve("e.ini") + ":4): adopted vassals are forked by the base vassal as the base's user, so they"
                + " could not run as the owner of their config", e.getMessage());
        assertThrows(ConfigException.class, () -> ini("emperor-fork-server-attr = fs\nemperor-tyrant = 1\n"));
    }

    @Test
    void tyrantOffWithForkServerIsFine() throws Exception {
        assertFalse(ini("emperor-tyrant = false\nemperor-use-fork-server = /run/fs.sock\n").tyrant());
    }

    @Test
    void capIsTheEmperorsOwnCapabilitySetParsedAsUwsgiDoes() throws Exception {
        LoadResult r = fx.loadIni("e.ini", "[uwsgi]\nemperor = /v\ncap = setgid,setuid,7\n");
        assertEquals(List.of("setgid", "setuid"), r.processCaps());
        assertEquals(List.of(), r.config().caps(), "cap is not emperor-cap (the vassals' bounding set)");
        assertEquals(0xc0L, Capabilities.mask(r.processCaps()));
        assertEquals(List.of("setgid", "setuid"), Capabilities.names(0xc0L));
        assertTrue(r.warnings().stream().noneMatch(w -> w.contains("cap")), r.warnings().toString());
        assertEquals(List.of(), fx.loadIni("f.ini", "[uwsgi]\nemperor = /v\n").processCaps());
        ConfigException e = assertThrows(ConfigException.class,
                () -> fx.loadIni("g.ini", "[uwsgi]\nemperor = /v\ncap = setuid,setgd\n"));
        assertTrue(e.getMessage().contains("[security] unknown capability: setgd"), e.getMessage());
    }
}
