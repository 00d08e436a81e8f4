package dev.emperor.command;

import dev.emperor.control.EmperorCommands;
import dev.emperor.core.Control;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Records what the command socket asks of the Emperor; answers with {@code answer} (default: ok). */
final class FakeCommands implements EmperorCommands {

    record Call(String vassal, Control.Action action) {
    }

    final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    volatile Function<Call, CompletableFuture<Control.Result>> answer =
            c -> CompletableFuture.completedFuture(new Control.Result(true, false, "ok", null));

    @Override
    public CompletableFuture<Control.Result> control(String vassal, Control.Action action) {
        Call c = new Call(vassal, action);
        calls.add(c);
        return answer.apply(c);
    }

    @Override
    public void logMessage(String msg) {
        messages.add(msg);
    }

    volatile String upgradeRefusal;
    final java.util.concurrent.atomic.AtomicInteger upgrades = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public CompletableFuture<String> upgrade() {
        upgrades.incrementAndGet();
        return CompletableFuture.completedFuture(upgradeRefusal);
    }

    @Override
    public void reloadAll() {
        throw new AssertionError("the command socket has no reload-all command");
    }

    Call nextCall() throws InterruptedException {
        Call c = calls.poll(5, TimeUnit.SECONDS);
        if (c == null) throw new AssertionError("no control() call within 5 s");
        return c;
    }

    String nextMessage() throws InterruptedException {
        String m = messages.poll(5, TimeUnit.SECONDS);
        if (m == null) throw new AssertionError("no logMessage() call within 5 s");
        return m;
    }

    static CompletableFuture<Control.Result> notFound(Call c) {
        return CompletableFuture.completedFuture(new Control.Result(false, true, "no vassal named " + c.vassal(), null));
    }
}
