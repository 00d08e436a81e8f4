package dev.emperor.daemon;

import dev.emperor.control.EmperorCommands;
import dev.emperor.core.Control;
import dev.emperor.core.EmperorLoop;
import java.util.concurrent.CompletableFuture;

/**
 * The operator's commands carried out by the event loop: the one implementation of
 * {@link EmperorCommands}, shared by the command socket and HTTP control. Each call only posts to
 * the loop (thread-safe, never blocks).
 */
final class LoopCommands implements EmperorCommands {
    private final EmperorLoop loop;
    private final java.util.function.Supplier<CompletableFuture<String>> upgrade;

    LoopCommands(EmperorLoop loop) {
        this(loop, () -> CompletableFuture.completedFuture("in-place upgrade is not available here"));
    }

    LoopCommands(EmperorLoop loop, java.util.function.Supplier<CompletableFuture<String>> upgrade) {
        this.loop = loop;
        this.upgrade = upgrade;
    }

    @Override
    public CompletableFuture<String> upgrade() {
        return upgrade.get();
    }

    @Override
    public CompletableFuture<Control.Result> control(String name, Control.Action action) {
        return loop.control(name, action);
    }

    @Override
    public void logMessage(String msg) {
        loop.logMessage(msg);
    }

    @Override
    public void reloadAll() {
        loop.execute(loop::reloadAll);
    }
}
