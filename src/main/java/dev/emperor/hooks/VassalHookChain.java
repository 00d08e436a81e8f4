package dev.emperor.hooks;

import dev.emperor.spawn.ExecChainHooks;
import dev.emperor.spawn.SpawnSpec;
import java.util.List;

/**
 * The hooks uWSGI's child runs before exec, as {@link HookScript} programs in the vassal's exec chain
 * (docs/hooks.md, "In the vassal's exec chain"): nothing runs Java after the spawn, and the vassal's
 * name and directory reach the script as argv words, never as shell text.
 */
public final class VassalHookChain implements ExecChainHooks {
    private final HookConfig config;
    private final List<String> first;
    private final List<String> beforeDrop;

    public VassalHookChain(HookConfig config) {
        this.config = config;
        this.first = HookScript.prefix(config.beforeVassalSteps());
        this.beforeDrop = HookScript.prefix(config.beforeDropSteps());
    }

    @Override
    public List<String> prefix(Stage stage, SpawnSpec spec) {
        return switch (stage) {
            case FIRST -> first;
            case BEFORE_DROP -> beforeDrop;
            // UWSGI_VASSALS_DIR: uWSGI's is the dir monitor's absolute directory, which is where the vassal starts
            case BEFORE_EXEC -> HookScript.prefix(config.vassalSteps(spec.name(), spec.cwd().toAbsolutePath().toString()));
        };
    }
}
