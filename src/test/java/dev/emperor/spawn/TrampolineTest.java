package dev.emperor.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The exec chain in front of uwsgi, argument by argument. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TrampolineTest {
    static final List<String> UWSGI = List.of("/usr/bin/uwsgi", "--ini", "a.ini");

    @Test
    void noSetprivMeansThePlainArgv() {
        assertEquals(UWSGI, new Trampoline(null, null, false, false, List.of(), List.of()).argv(UWSGI, 1001, 1002));
    }

    @Test
    void defaultIsTheParentDeathSignalOnly() {
        assertEquals(List.of("/sp", "--pdeathsig", "KILL", "--", "/usr/bin/uwsgi", "--ini", "a.ini"),
                new Trampoline("/sp", null, false, false, List.of(), List.of()).argv(UWSGI, 1001, 1002));
    }

    @Test
    void withoutParentDeathSignalNoStepCarriesIt() {
        Trampoline plain = new Trampoline("/sp", null, false, false, List.of(), List.of()).withoutParentDeathSignal();
        assertEquals(List.of("/sp", "--", "/usr/bin/uwsgi", "--ini", "a.ini"), plain.argv(UWSGI, 1001, 1002));
        assertEquals(false, plain.parentDeathSignal());
        Trampoline tyrant = new Trampoline("/sp", "/us", true, false, List.of(), List.of("pid", "mount")).withoutParentDeathSignal();
        List<String> argv = tyrant.argv(UWSGI, 7, 8);
        assertEquals(false, argv.contains("--pdeathsig"), argv.toString());
        assertEquals("/us", argv.get(0), "no setpriv step before unshare either: " + argv);
        assertEquals(List.of("/sp", "--regid", "8", "--reuid", "7", "--clear-groups", "--"),
                argv.subList(argv.indexOf("/sp"), argv.indexOf("/sp") + 7));
        assertEquals(true, new Trampoline("/sp", null, false, false, List.of(), List.of()).parentDeathSignal());
        assertEquals(false, new Trampoline(null, null, false, false, List.of(), List.of()).parentDeathSignal(), "no setpriv");
    }

    @Test
    void tyrantDropsToTheOwnerWithoutGroupsAndKeepsThePdeathsig() {
        Trampoline t = new Trampoline("/sp", null, true, false, List.of(), List.of());
        assertEquals(List.of("/sp", "--regid", "1002", "--reuid", "1001", "--clear-groups", "--pdeathsig", "KILL", "--",
                "/usr/bin/uwsgi", "--ini", "a.ini"), t.argv(UWSGI, 1001, 1002));
    }

    @Test
    void tyrantInitgroups() {
        Trampoline t = new Trampoline("/sp", null, true, true, List.of(), List.of());
        assertEquals(List.of("/sp", "--regid", "7", "--reuid", "7", "--init-groups", "--pdeathsig", "KILL", "--",
                "/usr/bin/uwsgi", "--ini", "a.ini"), t.argv(UWSGI, 7, 7));
    }

    @Test
    void idsAboveIntMaxArePrintedUnsigned() {
        Trampoline t = new Trampoline("/sp", null, true, false, List.of(), List.of());
        assertEquals("4294967294", t.argv(UWSGI, -2, 5).get(4));
    }

    @Test
    void capsKeepSetpcapAsUwsgiDoes() {
        Trampoline t = new Trampoline("/sp", null, false, false, List.of("setuid", "setgid", "net_bind_service"), List.of());
        assertEquals(List.of("/sp", "--bounding-set", "-all,+setpcap,+setuid,+setgid,+net_bind_service",
                "--pdeathsig", "KILL", "--", "/usr/bin/uwsgi", "--ini", "a.ini"), t.argv(UWSGI, 1, 1));
        Trampoline listed = new Trampoline("/sp", null, false, false, List.of("setpcap", "kill"), List.of());
        assertEquals("-all,+setpcap,+kill", listed.argv(UWSGI, 1, 1).get(2));
    }

    @Test
    void unshareComesFirstWithoutForkThenSetprivThenUwsgi() {
        Trampoline t = new Trampoline("/sp", "/un", true, false, List.of("net_bind_service"),
                List.of("mount", "uts", "ipc", "net"));
        assertEquals(List.of("/un", "--mount", "--propagation", "unchanged", "--uts", "--ipc", "--net", "--",
                "/sp", "--bounding-set", "-all,+setpcap,+net_bind_service", "--regid", "2", "--reuid", "1",
                "--clear-groups", "--pdeathsig", "KILL", "--", "/usr/bin/uwsgi", "--ini", "a.ini"), t.argv(UWSGI, 1, 2));
    }

    @Test
    void aPidNamespaceForksInsideUnshareWhichDiesWithTheEmperor() {
        Trampoline t = new Trampoline("/sp", "/un", false, false, List.of(), List.of("user", "mount", "uts", "net", "pid"));
        assertEquals(List.of("/sp", "--pdeathsig", "KILL", "--",
                "/un", "--map-root-user", "--mount", "--propagation", "private", "--mount-proc", "--uts", "--net",
                "--pid", "--fork", "--kill-child=KILL", "--",
                "/sp", "--pdeathsig", "KILL", "--", "/usr/bin/uwsgi", "--ini", "a.ini"), t.argv(UWSGI, 1, 2));
        Trampoline pidOnly = new Trampoline("/sp", "/un", false, false, List.of(), List.of("pid"));
        assertEquals(List.of("/sp", "--pdeathsig", "KILL", "--", "/un", "--pid", "--fork", "--kill-child=KILL", "--",
                "/sp", "--pdeathsig", "KILL", "--", "/usr/bin/uwsgi", "--ini", "a.ini"), pidOnly.argv(UWSGI, 1, 2));
    }

    @Test
    void missingToolsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Trampoline(null, null, true, false, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Trampoline(null, null, false, false, List.of("kill"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Trampoline("/sp", null, false, false, List.of(), List.of("uts")));
    }
}
