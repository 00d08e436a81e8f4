package dev.emperor.config;

import static dev.emperor.config.ConfigFixture.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.hooks.HookConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The hook options: read into {@link HookConfig}, bad lines and refused options named with file and line. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HookOptionsTest {
    @TempDir
    Path tmp;
    ConfigFixture fx;

    @BeforeEach
    void fixture() {
        fx = new ConfigFixture(tmp);
    }

    private LoadResult ini(String... iniLines) throws Exception {
        return fx.loadIni("e.ini", "[uwsgi]\n" + lines(iniLines));
    }

    private String file() {
        return tmp.resolve("e.ini").toString();
    }

    @Test
    void everyHookOptionIsReadInOrder() throws Exception {
        HookConfig h = ini("emperor = /v", "vassals-start-hook = /bin/start", "vassals-stop-hook = /bin/stop",
                "hook-emperor-start = print:one", "hook-emperor-start = !exec:echo two",
                "hook-as-emperor = write:/tmp/a b", "exec-as-emperor = echo $UWSGI_VASSAL_PID",
                "mount-as-emperor = tmpfs none /mnt", "umount-as-emperor = /mnt detach",
                "hook-as-vassal = cd:/srv", "exec-as-vassal = true", "mount-as-vassal = proc none /proc",
                "umount-as-vassal = /proc", "hook-as-emperor-before-vassal = print:b",
                "hook-as-vassal-before-drop = print:d").config().hooks();
        assertEquals("/bin/start", h.startHook());
        assertEquals("/bin/stop", h.stopHook());
        assertEquals(List.of("print:one", "!exec:echo two"), h.emperorStart());
        assertEquals(List.of("write:/tmp/a b"), h.asEmperor());
        assertEquals(List.of("echo $UWSGI_VASSAL_PID"), h.execAsEmperor());
        assertEquals(List.of("tmpfs none /mnt"), h.mountAsEmperor());
        assertEquals(List.of("/mnt detach"), h.umountAsEmperor());
        assertEquals(List.of("cd:/srv"), h.asVassal());
        assertEquals(List.of("true"), h.execAsVassal());
        assertEquals(List.of("proc none /proc"), h.mountAsVassal());
        assertEquals(List.of("/proc"), h.umountAsVassal());
        assertEquals(List.of("print:b"), h.emperorBeforeVassal());
        assertEquals(List.of("print:d"), h.vassalBeforeDrop());
        assertEquals(HookConfig.NONE, ini("emperor = /v").config().hooks());
    }

    @Test
    void unknownActionIsAConfigErrorWithFileAndLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> ini("emperor = /v", "hook-as-vassal = frobnicate:x"));
        assertEquals(file() + ":3: option 'hook-as-vassal': hook action not found: frobnicate", e.getMessage());
        ConfigException colon = assertThrows(ConfigException.class, () -> ini("hook-emperor-start = exec"));
        assertTrue(colon.getMessage().startsWith(file() + ":2: option 'hook-emperor-start': invalid hook syntax, must be hook:args"),
                colon.getMessage());
        ConfigException flag = assertThrows(ConfigException.class, () -> ini("mount-as-vassal = tmpfs none /mnt bogus"));
        assertEquals(file() + ":2: option 'mount-as-vassal': unknown mount flag \"bogus\"", flag.getMessage());
    }

    @Test
    void dlsymCallsAreRefusedWithTheReason() {
        for (String key : List.of("call-as-emperor", "call-as-emperor1", "call-as-emperor2", "call-as-emperor4",
                "call-as-vassal", "call-as-vassal1", "call-as-vassal3")) {
            ConfigException e = assertThrows(ConfigException.class, () -> ini(key + " = my_function"), key);
            assertTrue(e.getMessage().startsWith(file() + ":2: option '" + key + "': not supported: it calls a C function found"
                    + " with dlsym()"), e.getMessage());
        }
        ConfigException action = assertThrows(ConfigException.class, () -> ini("hook-as-emperor = call:my_function"));
        assertTrue(action.getMessage().contains("hook action 'call' refused: calls a C function found with dlsym()"),
                action.getMessage());
    }

    @Test
    void mastersSetnsHookSaysWhyItIsRefused() {
        String key = "hook-as-emperor-setns";
        ConfigException e = assertThrows(ConfigException.class, () -> ini(key + " = print:x"), key);
        assertTrue(e.getMessage().startsWith(file() + ":2: option '" + key + "': not supported: "), e.getMessage());
    }

    @Test
    void mastersOnDemandHooksAreReadAndTheirLinesChecked() throws Exception {
        HookConfig h = ini("emperor = /v", "hook-as-on-demand-vassal = print:asleep", "hook-as-on-demand-vassal = exec:true",
                "hook-as-on-config-vassal = !exec:echo changed").config().hooks();
        assertEquals(List.of("print:asleep", "exec:true"), h.onDemandVassal());
        assertEquals(List.of("!exec:echo changed"), h.onConfigVassal());
        for (String key : List.of("hook-as-on-demand-vassal", "hook-as-on-config-vassal")) {
            ConfigException e = assertThrows(ConfigException.class, () -> ini(key + " = nosuchaction:x"), key);
            assertTrue(e.getMessage().startsWith(file() + ":2: option '" + key + "': "), e.getMessage());
            ConfigException call = assertThrows(ConfigException.class, () -> ini(key + " = call:f"), key);
            assertTrue(call.getMessage().contains("dlsym"), call.getMessage());
        }
    }
}
