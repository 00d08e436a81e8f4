package dev.emperor.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The package rules of docs/architecture.md ("Package rules"), checked on the compiled main classes
 * with the JDK's jdeps (bytecode, so fully qualified names in code count as much as imports); the
 * package graph is the class graph of {@code jdeps -verbose:class} folded by package.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PackageRulesTest {
    static final String P = "dev.emperor";

    /**
     * Package cycles that exist today, each to be removed by a named refactor; the test fails on any
     * other cycle, and on a listed one that is gone (then delete it here). None today: the monitor ↔
     * spawn cycle went with the vassal-source model (spawn reads source/VassalSource, not monitor).
     */
    static final List<Set<String>> KNOWN_CYCLES = List.of();

    /** package → packages it uses (dev.emperor.* and jnr.*), from jdeps. */
    static Map<String, Set<String>> graph;
    /** class → classes it uses, for dev.emperor.* classes (nested classes as {@code Outer$Inner}), from jdeps. */
    static Map<String, Set<String>> classGraph;

    @BeforeAll
    static void readGraph() throws URISyntaxException {
        Path classes = Path.of(dev.emperor.core.EmperorLoop.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("jdeps not in this JDK"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:class", "-filter:none", classes.toString());
        assertEquals(0, rc, "jdeps failed: " + err);
        Pattern edge = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)");
        graph = new TreeMap<>();
        classGraph = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher m = edge.matcher(line);
            if (!m.find() || !m.group(1).startsWith(P) || !(m.group(2).startsWith(P) || m.group(2).startsWith("jnr."))) {
                continue;
            }
            classGraph.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
            String from = packageOf(m.group(1));
            String to = packageOf(m.group(2));
            if (!from.equals(to)) {
                graph.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
            }
        }
        System.out.println("[package graph] " + graph);
        assertTrue(graph.getOrDefault(P + ".cli", Set.of()).contains(P + ".daemon") && graph.containsKey(P + ".internal"),
                "jdeps output not understood:\n" + out);
    }

    static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    @Test
    void onlyInternalImportsJnr() {
        List<String> bad = new ArrayList<>();
        graph.forEach((from, tos) -> tos.stream().filter(t -> t.startsWith("jnr.") && !from.equals(P + ".internal"))
                .forEach(t -> bad.add(from + " -> " + t)));
        assertEquals(List.of(), bad);
        assertTrue(graph.get(P + ".internal").stream().anyMatch(t -> t.startsWith("jnr.")), "internal uses jnr: the check looks");
    }

    @Test
    void coreImportsNoReaderNorWiring() {
        Set<String> uses = graph.getOrDefault(P + ".core", Set.of());
        for (String forbidden : List.of("cli", "stats", "command", "daemon", "control")) {
            assertTrue(!uses.contains(P + "." + forbidden), "core -> " + forbidden + " (core publishes, readers read)");
        }
        assertTrue(uses.contains(P + ".source"), "core's edges are read: " + uses);
    }

    @Test
    void nothingButCliImportsDaemon() {
        List<String> bad = new ArrayList<>();
        graph.forEach((from, tos) -> {
            if (tos.contains(P + ".daemon") && !from.equals(P + ".cli")) {
                bad.add(from);
            }
        });
        assertEquals(List.of(), bad);
    }

    /** The operator's commands are an interface over core's types, not a way into the rest. */
    @Test
    void controlImportsOnlyCore() {
        assertEquals(Set.of(P + ".core"), graph.get(P + ".control"));
    }

    /**
     * The command socket and HTTP control reach the Emperor through control.EmperorCommands only:
     * no class outside core and daemon (the wiring) names the loop or one of its nested types.
     */
    @Test
    void onlyCoreAndDaemonKnowTheLoop() {
        String loop = P + ".core.EmperorLoop";
        List<String> bad = new ArrayList<>();
        classGraph.forEach((from, tos) -> {
            String pkg = packageOf(from);
            if (!pkg.equals(P + ".core") && !pkg.equals(P + ".daemon")
                    && tos.stream().anyMatch(t -> t.equals(loop) || t.startsWith(loop + "$"))) {
                bad.add(from);
            }
        });
        assertEquals(List.of(), bad);
        assertTrue(classGraph.get(P + ".daemon.Daemon").contains(loop), "the check sees the loop's users");
        for (String door : List.of("command.CommandDispatcher", "stats.ControlRoutes")) {
            assertTrue(classGraph.get(P + "." + door).contains(P + ".control.EmperorCommands"),
                    door + " goes through EmperorCommands");
        }
    }

    @Test
    void noPackageCyclesButTheKnownOnes() {
        List<Set<String>> cycles = cycles();
        List<Set<String>> unexpected = cycles.stream().filter(c -> !KNOWN_CYCLES.contains(c)).toList();
        assertEquals(List.of(), unexpected, "new package cycle(s)");
        for (Set<String> known : KNOWN_CYCLES) {
            assertTrue(cycles.contains(known), "cycle " + known + " is gone: remove it from KNOWN_CYCLES");
        }
    }

    @Test
    void theSourceModelDependsOnNoMonitorNorSpawnNorCore() {
        Set<String> uses = graph.getOrDefault(P + ".source", Set.of());
        for (String forbidden : List.of("monitor", "spawn", "core", "daemon", "config")) {
            assertTrue(!uses.contains(P + "." + forbidden), "source -> " + forbidden + ": " + uses);
        }
        assertTrue(graph.getOrDefault(P + ".spawn", Set.of()).contains(P + ".source"), "spawn reads the source model");
    }

    @Test
    void theCycleFinderFindsCycles() {
        Map<String, Set<String>> g = Map.of("a", Set.of("b"), "b", Set.of("c", "a"), "c", Set.of(), "d", Set.of("d"));
        assertEquals(List.of(Set.of("a", "b")), stronglyConnected(g));
    }

    /** Strongly connected components of more than one package among dev.emperor.*. */
    static List<Set<String>> cycles() {
        Map<String, Set<String>> own = new TreeMap<>();
        graph.forEach((from, tos) -> own.put(from, new TreeSet<>(tos.stream().filter(t -> t.startsWith(P)).toList())));
        return stronglyConnected(own);
    }

    /** Tarjan's algorithm; components of size 1 (no self edges are kept) are not cycles. */
    static List<Set<String>> stronglyConnected(Map<String, Set<String>> g) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : new TreeSet<>(g.keySet())) {
            if (!index.containsKey(v)) {
                strong(v, g, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void strong(String v, Map<String, Set<String>> g, Map<String, Integer> index, Map<String, Integer> low,
                               Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : g.getOrDefault(v, Set.of())) {
            if (w.equals(v)) {
                continue;
            }
            if (!index.containsKey(w)) {
                strong(w, g, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                out.add(component);
            }
        }
    }
}
