package dev.emperor.control;

import dev.emperor.core.Control;
import java.util.concurrent.CompletableFuture;

/**
 * What an operator can ask of the running Emperor, whichever door the request came through: the
 * command socket ({@code command/CommandDispatcher}) and HTTP control ({@code stats/ControlRoutes})
 * both speak to this one interface, never to the event loop itself (docs/architecture.md,
 * "Operator commands"). The daemon implements it once over the loop; tests pass a fake.
 * <p>
 * Every method is called on the caller's own thread (the {@code command} or {@code stats} thread)
 * and must return at once: the work is posted to the loop, which alone changes the vassal table.
 */
public interface EmperorCommands {

    /**
     * Runs {@code action} on vassal {@code name} on the loop; completes there with what it did
     * ({@link Control.Result#notFound()} when no such vassal exists).
     */
    CompletableFuture<Control.Result> control(String name, Control.Action action);

    /** Writes {@code msg} to the Emperor's log, in order with the loop's own lines (command socket {@code log}). */
    void logMessage(String msg);

    /** SIGHUP semantics: every running vassal is asked to reload (HTTP {@code POST /reload-all}). */
    void reloadAll();

    /**
     * In-place upgrade (docs/upgrade.md): completes with null when accepted (the exec follows on the
     * loop), else with why it was refused. Doors without it answer that it is not available.
     */
    default CompletableFuture<String> upgrade() {
        return CompletableFuture.completedFuture("in-place upgrade is not available here");
    }
}
