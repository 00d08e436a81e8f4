package dev.emperor.spawn;

import java.util.List;

/**
 * Programs put into a vassal's exec chain ({@link Trampoline}) at the points where uWSGI's child runs
 * hooks (docs/hooks.md, "In the vassal's exec chain"). Each returns the words of one program that does
 * its work and then execs the rest of the chain in place, ending with the rest's separator; empty
 * when nothing runs there.
 */
public interface ExecChainHooks {
    ExecChainHooks NONE = (stage, spec) -> List.of();

    /** Where in the chain. */
    enum Stage {
        /** First of all, with the Emperor's credentials (master's hook-as-emperor-before-vassal). */
        FIRST,
        /** Inside the new namespaces, before capabilities and the Tyrant drop (hook-as-vassal-before-drop). */
        BEFORE_DROP,
        /** Right before uwsgi, with the vassal's credentials (vassals-start-hook, *-as-vassal). */
        BEFORE_EXEC
    }

    List<String> prefix(Stage stage, SpawnSpec spec);
}
