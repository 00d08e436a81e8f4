package dev.emperor.stats;

import dev.emperor.core.Control;
import java.util.concurrent.CompletableFuture;

/**
 * What HTTP control needs from the Emperor (the daemon adapts its event loop), so this package does
 * not depend on the loop. Both methods are called on the stats thread and must not block.
 */
public interface Controller {

    /** Runs {@code action} on vassal {@code name}; completes on the loop with what it did. */
    CompletableFuture<Control.Result> control(String name, Control.Action action);

    /** SIGHUP semantics: ask every running vassal to reload. */
    void reloadAll();
}
