package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.emperor.internal.Reaped;
import dev.emperor.source.VassalSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The table's code against docs/lifecycle.md, "Reachable states": every event (and operator action)
 * is fired at a vassal in every state, over variants of everything else a row looks at (on-demand
 * or not, Tyrant, a refused file, each stop reason, each spawn outcome, an open blacklist window, a
 * broken pipe, file changes of mtime, owner and refusal, each kind of exit...). The states the
 * vassal ends in ("gone" when its record was forgotten) must be exactly the cell of the documented
 * table: a code change that opens a new transition, or closes one, fails here until the page says so.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LifecycleTableTest {
    static final long T0 = 1_800_000_000_000L;
    static final String NAME = "a.ini";
    static final String REFUSAL = "[emperor-tyrant] refused: owned by root";
    static final String GONE = "gone";

    static Level before;

    @BeforeAll
    static void quiet() {
        Logger l = (Logger) LoggerFactory.getLogger("emperor");
        before = l.getLevel();
        l.setLevel(Level.OFF); // hundreds of thousands of transitions: their lines are checked by the other tests
    }

    @AfterAll
    static void loud() {
        ((Logger) LoggerFactory.getLogger("emperor")).setLevel(before);
    }

    /** Everything besides the state that a row may look at. */
    record Case(VassalState state, boolean onDemand, boolean tyrant, boolean refused, StopReason reason,
                Effects.SpawnOutcome outcome, boolean blacklisted, boolean pipeBroken) {
    }

    /** One event with its arguments, fired at a prepared record. */
    interface Fire {
        void at(Lifecycle lc, Vassal v, long now);
    }

    static VassalSource file(long mtimeNanos, int uid, String refusal, boolean onDemand) {
        return new VassalSource(NAME, Path.of("/v/" + NAME), Path.of("/v"), mtimeNanos, uid, uid, "/v", Map.of(), refusal,
                onDemand ? "/run/a.sock" : null);
    }

    /** The row name of docs/lifecycle.md → the variants of that event. */
    static Map<String, List<Fire>> events() {
        Map<String, List<Fire>> e = new LinkedHashMap<>();
        List<Fire> seen = new ArrayList<>();
        for (long mtime : new long[] {1_000_000_000L, 9_000_000_000L}) {
            for (int uid : new int[] {33, 44}) {
                for (String refusal : Arrays.asList(null, REFUSAL, REFUSAL + " (again)")) {
                    seen.add((lc, v, now) -> lc.fileSeen(v, file(mtime, uid, refusal, v.file.onDemandSocket() != null), now));
                }
            }
        }
        e.put("fileSeen", seen);
        e.put("fileGone", List.of(Lifecycle::fileGone));
        e.put("onDemandConnection", List.of(Lifecycle::onDemandConnection));
        e.put("onDemandStartFailed", List.of(Lifecycle::onDemandStartFailed));
        List<Fire> hookDone = new ArrayList<>();
        for (boolean config : new boolean[] {false, true}) {
            for (boolean ok : new boolean[] {false, true}) {
                hookDone.add((lc, v, now) -> lc.onDemandHookDone(v, v.sleeps, config, ok, now));
                hookDone.add((lc, v, now) -> lc.onDemandHookDone(v, v.sleeps - 1, config, ok, now)); // an earlier sleep's
            }
        }
        e.put("onDemandHookDone", hookDone);
        List<Fire> bytes = new ArrayList<>();
        for (int b : new int[] {1, 2, 5, 17, 22, 26, 30}) {
            bytes.add((lc, v, now) -> lc.pipeByte(v, b, now));
        }
        e.put("pipeByte", bytes);
        e.put("pipeEof", List.of(Lifecycle::pipeEof));
        e.put("reaped", List.of(
                (lc, v, now) -> lc.reaped(v, Reaped.exit(v.pid, 0), now),
                (lc, v, now) -> lc.reaped(v, Reaped.exit(v.pid, 1), now),
                (lc, v, now) -> lc.reaped(v, Reaped.exit(v.pid, 26), now),
                (lc, v, now) -> lc.reaped(v, Reaped.killed(v.pid, 9), now),
                (lc, v, now) -> {
                    v.adopted = true;
                    v.reloadPending = true; // an adopted vassal reloads by exiting 0
                    lc.reaped(v, Reaped.exit(v.pid, 0), now);
                },
                (lc, v, now) -> {
                    v.loyal = true;
                    lc.reaped(v, Reaped.exit(v.pid, 1), now);
                }));
        e.put("reapFailed", List.of(Lifecycle::reapFailed));
        e.put("adopted", List.of(
                (lc, v, now) -> lc.adopted(v, 4343, null, now),
                (lc, v, now) -> lc.adopted(v, 4343, Reaped.exit(4343, 1), now),
                (lc, v, now) -> {
                    v.pipeFd = -1; // its pipe hit EOF during the session
                    lc.adopted(v, 4343, null, now);
                }));
        e.put("adoptionFailed", List.of((lc, v, now) -> lc.adoptionFailed(v, "no reply", now)));
        e.put("notOurChild", List.of(Lifecycle::notOurChild));
        e.put("tick", List.of(
                Lifecycle::tick,
                (lc, v, now) -> lc.tick(v, now + 600_000), // every window, retry and tolerance over
                (lc, v, now) -> {
                    v.lastHeartbeat = T0;
                    lc.tick(v, now + 600_000);
                }));
        e.put("postpone", List.of(Lifecycle::postpone));
        e.put("freshWindow", List.of(Lifecycle::freshWindow));
        e.put("reloadAll", List.of((lc, v, now) -> lc.reloadAll(v, now, now)));
        e.put("blacklistCleared", List.of(Lifecycle::blacklistCleared));
        e.put("ragnarok", List.of(Lifecycle::ragnarok));
        for (Control.Action a : Control.Action.values()) {
            e.put(a.name(), List.of((lc, v, now) -> lc.command(a, v, now, now)));
        }
        return e;
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        List<Effects.SpawnOutcome> outcomes = Arrays.asList(Effects.SpawnOutcome.started(5000, 60),
                Effects.SpawnOutcome.adopting(61), Effects.SpawnOutcome.waitForBase("/run/fs.sock"),
                Effects.SpawnOutcome.deferred("EMFILE", T0 + 5000), Effects.SpawnOutcome.failed("ENOENT", false),
                Effects.SpawnOutcome.failed("no binary", true), null /* no spawn slot left */);
        for (VassalState s : VassalState.values()) {
            boolean stopping = s == VassalState.STOPPING || s == VassalState.CURSED || s == VassalState.ADOPTING;
            for (boolean onDemand : new boolean[] {false, true}) {
                if (s == VassalState.ON_DEMAND && !onDemand) {
                    continue;
                }
                for (boolean tyrant : new boolean[] {false, true}) {
                    for (boolean refused : new boolean[] {false, true}) {
                        if (refused && !tyrant || s == VassalState.REFUSED && !refused) {
                            continue; // only Tyrant refuses, and a REFUSED record holds a refused file
                        }
                        for (StopReason r : stopping ? StopReason.values() : new StopReason[] {StopReason.NONE}) {
                            for (Effects.SpawnOutcome o : outcomes) {
                                for (boolean blacklisted : new boolean[] {false, true}) {
                                    for (boolean broken : new boolean[] {false, true}) {
                                        out.add(new Case(s, onDemand, tyrant, refused, r, o, blacklisted, broken));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** A record in c.state() as the table leaves it there, with the fake world answering as c says. */
    static String fire(Case c, Fire event) {
        long now = T0 + 100;
        RecordingEffects fx = new RecordingEffects();
        EmperorLog log = new EmperorLog(null, () -> now);
        Blacklist blacklist = new Blacklist(1000, 180_000, log);
        Lifecycle lc = new Lifecycle(fx, blacklist, log, new Lifecycle.Settings(30_000, 30_000, false, false, 100,
                Set.of(), c.tyrant()));
        Vassal v = lc.fileAppeared(file(1_000_000_000L, 33, null, false), T0, false);
        v.file = file(1_000_000_000L, 33, c.refused() ? REFUSAL : null, c.onDemand());
        v.socketName = v.file.onDemandSocket();
        v.state = c.state();
        boolean live = c.state() == VassalState.RUNNING || c.state() == VassalState.STOPPING || c.state() == VassalState.CURSED;
        v.pid = live ? 4242 : -1;
        v.pipeFd = live && c.state() != VassalState.CURSED || c.state() == VassalState.ADOPTING ? 7 : -1;
        v.listenFd = c.onDemand() && c.state() != VassalState.REFUSED && c.state() != VassalState.EXILED ? 50 : -1;
        v.listenWatched = c.state() == VassalState.ON_DEMAND;
        v.stopReason = c.reason();
        v.spawnAt = T0 + 50;
        if (c.blacklisted()) {
            blacklist.add(NAME, T0);
        }
        if (c.state() == VassalState.REFUSED) {
            blacklist.refuse(NAME, T0);
        }
        fx.calls.clear();
        fx.nextOutcome = c.outcome();
        fx.spawnSlots = c.outcome() == null ? 0 : Integer.MAX_VALUE;
        fx.pipeBroken = c.pipeBroken();
        event.at(lc, v, now);
        return fx.calls.contains("forget " + NAME) ? GONE : v.state.name();
    }

    /** What the code does: event → state before → the states (or "gone") it ended in. */
    static Map<String, Map<String, Set<String>>> observed() {
        Map<String, Map<String, Set<String>>> seen = new TreeMap<>();
        List<Case> cases = cases();
        events().forEach((event, variants) -> {
            Map<String, Set<String>> row = seen.computeIfAbsent(event, k -> new TreeMap<>());
            for (Case c : cases) {
                for (Fire f : variants) {
                    row.computeIfAbsent(c.state().name(), k -> new TreeSet<>()).add(fire(c, f));
                }
            }
        });
        return seen;
    }

    /** docs/lifecycle.md, "Reachable states": event → state before → the states its cell names. */
    static Map<String, Map<String, Set<String>>> documented() throws IOException {
        List<List<String>> rows = LifecycleDocTest.table("## Reachable states");
        List<String> header = rows.get(0);
        Map<String, Map<String, Set<String>>> doc = new TreeMap<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            Matcher m = LifecycleDocTest.ROW_NAME.matcher(row.get(0));
            assertTrue(m.find(), "a row must start with a `name`: " + row.get(0));
            Map<String, Set<String>> cells = new TreeMap<>();
            for (int i = 1; i < header.size(); i++) {
                String cell = row.get(i).replace("`", "");
                cells.put(header.get(i), Arrays.stream(cell.split(",")).map(String::strip)
                        .collect(Collectors.toCollection(TreeSet::new)));
            }
            doc.put(m.group(1), cells);
        }
        return doc;
    }

    /** "same" in a cell stands for the column's own state. */
    static Map<String, Map<String, Set<String>>> resolveSame(Map<String, Map<String, Set<String>>> doc) {
        doc.values().forEach(row -> row.forEach((state, cell) -> {
            if (cell.remove("same")) {
                cell.add(state);
            }
        }));
        return doc;
    }

    @Test
    void everyCellOfTheDocumentedTableIsWhatTheCodeDoes() throws IOException {
        Map<String, Map<String, Set<String>>> seen = observed();
        Map<String, Map<String, Set<String>>> doc = resolveSame(documented());
        Set<String> expectedRows = new TreeSet<>(LifecycleDocTest.events());
        expectedRows.remove("fileAppeared"); // it makes the record: no state before (see "The table")
        Arrays.stream(Control.Action.values()).map(Enum::name).forEach(expectedRows::add);
        assertEquals(expectedRows, seen.keySet(), "every event and action is exercised here");
        assertEquals(expectedRows, doc.keySet(), "rows of docs/lifecycle.md \"Reachable states\"\n" + render(seen));
        List<String> wrong = new ArrayList<>();
        for (String event : seen.keySet()) {
            for (String state : LifecycleDocTest.states()) {
                Set<String> code = seen.get(event).get(state);
                Set<String> page = doc.get(event).get(state);
                if (!code.equals(page)) {
                    wrong.add(event + " in " + state + ": the page says " + page + ", the code reaches " + code);
                }
            }
        }
        assertEquals(List.of(), wrong, "docs/lifecycle.md \"Reachable states\"\n" + render(seen));
    }

    /** The table as the code has it, to paste into the page when a change is meant. */
    static String render(Map<String, Map<String, Set<String>>> seen) {
        List<String> states = Arrays.stream(VassalState.values()).map(Enum::name).toList();
        StringBuilder b = new StringBuilder("| event | " + String.join(" | ", states) + " |\n|---|"
                + "---|".repeat(states.size()) + "\n");
        for (String event : seen.keySet()) {
            b.append("| `").append(event).append("` |");
            for (String s : states) {
                Set<String> cell = new TreeSet<>(seen.get(event).get(s));
                List<String> names = new ArrayList<>();
                if (cell.remove(s)) {
                    names.add("same");
                }
                names.addAll(cell);
                String text = String.join(", ", names);
                b.append(' ').append(text).append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }
}
