package dev.emperor.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.spawn.SpawnSpec;
import dev.emperor.spawn.Trampoline;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where the hook programs sit in a vassal's exec chain: uWSGI's child order, around unshare and setpriv. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class VassalHookChainTest {
    static final List<String> UWSGI = List.of("/usr/bin/uwsgi", "--ini", "a.ini");
    static final SpawnSpec SPEC = new SpawnSpec("a.ini", Path.of("/srv/vassals"), 1001, 1002, null, -1, null);

    static HookConfig hooks(List<String> beforeVassal, List<String> beforeDrop, List<String> asVassal, String startHook) {
        return new HookConfig(startHook, null, List.of(), List.of(), List.of(), List.of(), List.of(), asVassal, List.of(),
                List.of(), List.of(), beforeVassal, beforeDrop);
    }

    /** Index of the hook program whose steps include {@code word}, -1 when absent. */
    static int program(List<String> argv, String word) {
        int sh = -1;
        for (int i = 0; i < argv.size(); i++) {
            if (argv.get(i).equals(HookScript.SH) && i + 2 < argv.size() && argv.get(i + 2).equals(HookScript.TEXT)) {
                sh = i;
            }
            if (argv.get(i).equals(word)) {
                return sh;
            }
        }
        return -1;
    }

    @Test
    void programsSitWhereUwsgisChildRunsTheLists() {
        Trampoline t = new Trampoline("/sp", "/us", true, false, List.of(), List.of("mount", "net"))
                .hooks(new VassalHookChain(hooks(List.of("print:first"), List.of("print:before-drop"),
                        List.of("print:as-vassal"), "/bin/start-hook")));
        List<String> argv = t.argv(UWSGI, 1001, 1002, SPEC);
        int first = program(argv, "first");
        int unshare = argv.indexOf("/us");
        int drop = program(argv, "before-drop");
        int setpriv = argv.indexOf("/sp");
        int last = program(argv, "as-vassal");
        int uwsgi = argv.indexOf("/usr/bin/uwsgi");
        assertEquals(0, first, argv.toString());
        assertTrue(first < unshare && unshare < drop && drop < setpriv && setpriv < last && last < uwsgi, argv.toString());
        assertEquals(last, program(argv, "/bin/start-hook"), "the start hook goes with the as-vassal lists");
        assertEquals(UWSGI, argv.subList(uwsgi, argv.size()), "uwsgi's argv unchanged at the end");
        assertTrue(argv.contains("a.ini") && argv.contains("/srv/vassals"), "name and dir as argv words");
        assertTrue(argv.stream().filter(w -> w.equals(HookScript.TEXT)).count() == 3, "three programs");
    }

    @Test
    void noHooksNoPrograms() {
        Trampoline t = new Trampoline("/sp", null, false, false, List.of(), List.of())
                .hooks(new VassalHookChain(HookConfig.NONE));
        assertEquals(List.of("/sp", "--pdeathsig", "KILL", "--", "/usr/bin/uwsgi", "--ini", "a.ini"), t.argv(UWSGI, 0, 0, SPEC));
    }

    @Test
    void withoutASpecTheChainHasNoHooks() {
        Trampoline t = new Trampoline(null, null, false, false, List.of(), List.of())
                .hooks(new VassalHookChain(hooks(List.of(), List.of(), List.of("print:x"), null)));
        assertEquals(UWSGI, t.argv(UWSGI, 0, 0));
        assertEquals(HookScript.SH, t.argv(UWSGI, 0, 0, SPEC).get(0));
    }
}
