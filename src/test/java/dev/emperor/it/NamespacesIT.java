package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.testing.TestUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code emperor-use-clone = fs,net,ipc,pid,uts}, the configuration of uWSGI's Emperor and
 * Namespaces documentation, under real uWSGI vassals: the vassal master is pid 1 of a new pid
 * namespace and lives in new mount, net, ipc and uts namespaces; a touch reloads it in place, a
 * killed master is respawned, and a removed file stops every process of the namespace, also when
 * the master does not answer the stop byte (SIGSTOPped: the curse's SIGKILL must reach it).
 * Under our daemon the Emperor's child is util-linux {@code unshare}, whose only child is the
 * master; under uWSGI the clone()d master itself. Root only (fails in CI when not root). Runs
 * against {@code uwsgi --emperor} with {@code -Demperor.impl=uwsgi}: the same assertions hold.
 */
@Timeout(120)
class NamespacesIT {

    /** The vassal master: the stats pid itself (uWSGI's clone) or its child (our unshare --fork), pid 1 inside. */
    static long master(long statsPid) {
        List<Long> candidates = new ArrayList<>(List.of(statsPid));
        ProcTree.children(statsPid).forEach(p -> candidates.add(p.pid()));
        for (long pid : candidates) {
            Optional<String> nspid = ProcTree.status(pid, "NSpid");
            if (nspid.isPresent() && nspid.get().trim().endsWith("\t1") && nspid.get().trim().split("\\s+").length == 2) {
                return pid;
            }
        }
        return -1;
    }

    @Test
    void documentedNamespacesStopReloadCurseAndKillStillReachTheVassal() throws Exception {
        TestUsers.requireRoot();
        try (TempEmperor e = TempEmperor.prepare("namespaces").option("emperor-use-clone", "fs,net,ipc,pid,uts").build()) {
            // a fresh net namespace has its loopback down: the vassal serves HTTP on a UNIX socket
            Path socket = e.root().resolve("app.sock");
            Vassals.python("ns", 1).option("http-socket", socket.toString()).option("processes", "2").writeTo(e);
            Path ini = e.vassalsDir().resolve("ns.ini");
            e.start();

            Stats.Vassal v = e.awaitVassal("ns.ini", TempEmperor.SHORT, "accepting", Stats.Vassal::accepting);
            long master = Poll.value(TempEmperor.SHORT, "a master that is pid 1 of its namespace",
                    () -> Optional.of(master(v.pid())).filter(p -> p > 0));
            for (String kind : new String[] {"pid", "mnt", "net", "ipc", "uts"}) {
                assertNotEquals(PrivilegeChainIT.ns(e.pid(), kind), PrivilegeChainIT.ns(master, kind), kind + " namespace");
            }
            String answer = Poll.value(TempEmperor.SHORT, "an answer on " + socket,
                    () -> PrivilegeChainIT.unixGet(socket).filter(r -> r.endsWith("hello ns")));
            assertTrue(answer.startsWith("HTTP/1."), answer);
            e.await(TempEmperor.SHORT, "2 workers", () -> ProcTree.children(master).size() >= 2);

            // reload: the touch reaches the master through the emperor pipe, in place
            int mark = e.log().mark();
            Files.setLastModifiedTime(ini, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
            e.awaitLog(mark, "\\[emperor\\] reload the uwsgi instance ns\\.ini", TempEmperor.SHORT);
            e.awaitLog(mark, "binary reloading uWSGI", TempEmperor.SHORT);
            Poll.value(TempEmperor.SHORT, "an answer after the reload",
                    () -> PrivilegeChainIT.unixGet(socket).filter(r -> r.endsWith("hello ns")));
            assertEquals(master, master(e.stats().vassal("ns.ini").orElseThrow().pid()), "reloaded in place");

            // a killed master is respawned, again pid 1 of a new namespace
            mark = e.log().mark();
            TempEmperor.kill("KILL", master);
            e.awaitLog(mark, "\\[emperor\\] (removed|respawned|curse).*ns\\.ini|ns\\.ini.*(died|respawn)", TempEmperor.SHORT);
            long second = Poll.value(Duration.ofSeconds(30), "a new master, pid 1 of its namespace", () -> e.tryStats()
                    .flatMap(s -> s.vassal("ns.ini")).filter(x -> x.pid() > 0 && x.accepting())
                    .map(x -> master(x.pid())).filter(p -> p > 0 && p != master));
            Poll.value(TempEmperor.SHORT, "an answer from the respawned vassal",
                    () -> PrivilegeChainIT.unixGet(socket).filter(r -> r.endsWith("hello ns")));

            // stop with a master that cannot read the stop byte: only the curse's SIGKILL ends it
            e.await(TempEmperor.SHORT, "2 workers", () -> ProcTree.children(second).size() >= 2);
            List<ProcTree.Proc> procs = new ArrayList<>(ProcTree.children(second));
            procs.add(ProcTree.require(second));
            TempEmperor.kill("STOP", second);
            Files.delete(ini);
            e.await(Duration.ofSeconds(30), "every process of the namespace gone: " + procs,
                    () -> procs.stream().noneMatch(ProcTree::running));
            e.awaitLog("\\[emperor\\] removed uwsgi instance ns\\.ini", TempEmperor.SHORT);
            assertTrue(e.isRunning(), "the Emperor keeps running");
        }
    }

    /**
     * {@code user}: uWSGI 2.0.21 clone()s into a new user namespace and calls setuid(0) there without
     * writing a uid map, so every vassal dies with EINVAL (asserted in uWSGI mode); ours maps root
     * inside to the Emperor's uid (unshare --map-root-user) and the vassal runs.
     */
    @Test
    void userNamespaceMapsRootWhereUwsgiFails() throws Exception {
        TestUsers.requireRoot();
        try (TempEmperor e = TempEmperor.prepare("userns").option("emperor-use-clone", "user,net").build()) {
            Path socket = e.root().resolve("app.sock");
            Vassals.python("userns", 1).option("http-socket", socket.toString()).writeTo(e);
            e.start();
            if (e.impl() == Impl.UWSGI) {
                e.awaitLog("uwsgi_emperor_spawn_vassal\\(\\)/setuid\\(0\\): Invalid argument", TempEmperor.SHORT);
                return;
            }
            Stats.Vassal v = e.awaitVassal("userns.ini", TempEmperor.SHORT, "accepting", Stats.Vassal::accepting);
            assertNotEquals(PrivilegeChainIT.ns(e.pid(), "user"), PrivilegeChainIT.ns(v.pid(), "user"), "user namespace");
            String map = Files.readString(Path.of("/proc", Long.toString(v.pid()), "uid_map")).trim();
            assertTrue(map.matches("0\\s+0\\s+1"), "root inside is the Emperor's uid 0 outside: " + map);
            Poll.value(TempEmperor.SHORT, "an answer on " + socket,
                    () -> PrivilegeChainIT.unixGet(socket).filter(r -> r.endsWith("hello userns")));
        }
    }
}
