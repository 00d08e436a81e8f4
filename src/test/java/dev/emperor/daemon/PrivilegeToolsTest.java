package dev.emperor.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.emperor.config.ConfigLoader;
import dev.emperor.config.EmperorConfig;
import dev.emperor.config.RawOption;
import dev.emperor.core.EmperorLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Startup refusals of the privilege options and the trampoline they give. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PrivilegeToolsTest {
    final EmperorLog log = EmperorLog.standard();

    static EmperorConfig config(String... keyValues) throws Exception {
        List<RawOption> opts = new ArrayList<>(List.of(RawOption.of("emperor", "/v")));
        for (int i = 0; i < keyValues.length; i += 2) {
            opts.add(RawOption.of(keyValues[i], keyValues[i + 1]));
        }
        return ConfigLoader.load(opts, Map.of(), Path.of("/")).config();
    }

    @Test
    void notRootIsRefusedNamingTheOptions() throws Exception {
        EmperorConfig c = config("emperor-tyrant", "true", "emperor-cap", "kill");
        PrivilegeTools.Refused e = assertThrows(PrivilegeTools.Refused.class,
                () -> PrivilegeTools.trampoline(c, 1000, "/sp", "/un", log));
        assertEquals("emperor-tyrant (setgid,setuid), emperor-cap (setpcap) need(s) capabilities the Emperor lacks (it runs as"
                + " uid 1000): start it as root, and if it drops uid/gid keep them with cap = setgid,setuid,setpcap"
                + " (docs/capabilities.md)", e.getMessage());
        assertThrows(PrivilegeTools.Refused.class,
                () -> PrivilegeTools.trampoline(config("emperor-use-clone", "uts"), 1000, "/sp", "/un", log));
    }

    static final long SETGID = 1L << 6;
    static final long SETUID = 1L << 7;

    @Test
    void aNonRootEmperorKeepingSetuidSetgidMayBeTyrantAndPassesThemOnlyToTheTrampoline() throws Exception {
        long[] kept = {SETGID | SETUID, SETGID | SETUID, SETGID | SETUID};
        var t = PrivilegeTools.trampoline(config("emperor-tyrant", "true"), 992, kept, "/sp", "/un", log);
        assertEquals(SETGID | SETUID, t.passedCaps());
        assertEquals(List.of("/sp", "--regid", "20", "--reuid", "10", "--clear-groups", "--inh-caps", "-all",
                "--ambient-caps", "-all", "--pdeathsig", "KILL", "--", "uwsgi"), t.argv(List.of("uwsgi"), 10, 20));
        // kept but not inheritable: nothing can cross exec, nothing is passed
        assertEquals(0, PrivilegeTools.trampoline(config("emperor-tyrant", "true"), 992,
                new long[] {SETGID | SETUID, SETGID | SETUID, 0}, "/sp", "/un", log).passedCaps());
        // root passes nothing: the trampoline runs as root and the uid change clears its capabilities
        assertEquals(0, PrivilegeTools.trampoline(config("emperor-tyrant", "true"), 0, kept, "/sp", "/un", log).passedCaps());
    }

    @Test
    void capabilitiesAreJudgedNotTheUid() throws Exception {
        // only setuid kept: setgid is named as missing
        assertEquals("emperor-tyrant (setgid) need(s) capabilities the Emperor lacks (it runs as uid 992): start it as root,"
                        + " and if it drops uid/gid keep them with cap = setgid (docs/capabilities.md)",
                assertThrows(PrivilegeTools.Refused.class, () -> PrivilegeTools.trampoline(config("emperor-tyrant", "true"),
                        992, new long[] {SETUID, SETUID, SETUID}, "/sp", "/un", log)).getMessage());
        // root whose capabilities were narrowed by cap without uid: judged the same way
        assertThrows(PrivilegeTools.Refused.class, () -> PrivilegeTools.trampoline(config("emperor-cap", "kill"), 0,
                new long[] {SETUID, SETUID, SETUID}, "/sp", "/un", log));
        // kept capabilities need setpriv to be cleared before uWSGI runs
        assertEquals("setpriv (util-linux) not found: needed to clear the kept capabilities (setgid,setuid) before a vassal runs",
                assertThrows(PrivilegeTools.Refused.class, () -> PrivilegeTools.trampoline(config(), 992,
                        new long[] {SETGID | SETUID, SETGID | SETUID, SETGID | SETUID}, null, null, log)).getMessage());
    }

    @Test
    void missingToolsAreRefused() throws Exception {
        assertEquals("setpriv (util-linux) not found: needed for emperor-tyrant and emperor-cap",
                assertThrows(PrivilegeTools.Refused.class,
                        () -> PrivilegeTools.trampoline(config("emperor-cap", "kill"), 0, null, "/un", log)).getMessage());
        assertEquals("unshare (util-linux) not found: needed for emperor-use-clone",
                assertThrows(PrivilegeTools.Refused.class,
                        () -> PrivilegeTools.trampoline(config("emperor-use-clone", "net"), 0, "/sp", null, log)).getMessage());
    }

    @Test
    void withoutPrivilegeOptionsAnyUserGetsThePdeathsigTrampoline() throws Exception {
        List<String> argv = PrivilegeTools.trampoline(config(), 1000, "/sp", null, log).argv(List.of("uwsgi"), 1000, 1000);
        assertEquals(List.of("/sp", "--pdeathsig", "KILL", "--", "uwsgi"), argv);
        assertEquals(List.of("uwsgi"), PrivilegeTools.trampoline(config(), 1000, null, null, log).argv(List.of("uwsgi"), 1, 1));
    }

    @Test
    void allOptionsAsRoot() throws Exception {
        EmperorConfig c = config("emperor-tyrant", "1", "emperor-tyrant-initgroups", "1", "vassals-cap", "net_bind_service",
                "emperor-use-clone", "ipc");
        assertEquals(List.of("/un", "--ipc", "--", "/sp", "--bounding-set", "-all,+setpcap,+net_bind_service",
                        "--regid", "20", "--reuid", "10", "--init-groups", "--pdeathsig", "KILL", "--", "uwsgi"),
                PrivilegeTools.trampoline(c, 0, "/sp", "/un", log).argv(List.of("uwsgi"), 10, 20));
    }
}
