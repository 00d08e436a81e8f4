package dev.emperor.log;

import java.util.concurrent.FutureTask;

/**
 * Sets logback up on a thread of its own while the main thread reads the command line and the ini
 * files: logback's configuration is the largest single cost of those phases and needs nothing they
 * produce (docs/operations.md, "Start-up trace"). Until {@link #await} the configuration loader's
 * lines wait in {@link EarlyLog}; {@link #await} joins the thread and writes them, in order, with
 * their own time stamps. Nothing else may reach slf4j before {@link #await}: a logger asked for
 * while another thread initialises slf4j is a substitute that replays its lines later with a
 * warning of slf4j's own.
 */
public final class LogSetup {
    private static FutureTask<Void> setup; // main thread only

    private LogSetup() {
    }

    /** Called first thing in {@code main}: starts logback's set-up and makes {@link EarlyLog} keep lines. */
    public static synchronized void startInBackground() {
        if (setup != null) {
            return;
        }
        EarlyLog.keep();
        setup = new FutureTask<>(() -> {
            org.slf4j.LoggerFactory.getILoggerFactory();
            return null;
        });
        Thread t = new Thread(setup, "log-setup");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Waits for logback's set-up (or does it here if it was never started), then writes the lines
     * kept meanwhile. Idempotent; any thread.
     */
    public static void await() {
        FutureTask<Void> task;
        synchronized (LogSetup.class) {
            task = setup;
        }
        if (task != null) {
            try {
                task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                // slf4j reports its own failures (it falls back to no logging); the lines below then go nowhere, as before
            }
        }
        EarlyLog.flush();
    }
}
