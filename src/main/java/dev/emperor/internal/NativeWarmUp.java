package dev.emperor.internal;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Binds libc ({@link JnrNative#load()}, jnr-ffi's class loading and binding) on a thread of its own
 * while the main thread reads the command line and the ini files, which need no native call: on a
 * machine with a second core the binding is off the start-up's critical path (docs/operations.md,
 * "Start-up trace"). {@link #get} hands the instance over, or the very error loading it raised.
 */
public final class NativeWarmUp {
    private static FutureTask<JnrNative> loading;

    private NativeWarmUp() {
    }

    /** Called first thing in {@code main}. */
    public static synchronized void start() {
        if (loading != null) {
            return;
        }
        loading = new FutureTask<>(() -> {
            JnrNative nat = JnrNative.load();
            nat.getpid(); // the first call binds its stub: not on the main thread's path either
            return nat;
        });
        Thread t = new Thread(loading, "native-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** The loaded native layer: waits for the warm-up, or loads it here when none was started. */
    public static Native get() {
        FutureTask<JnrNative> task;
        synchronized (NativeWarmUp.class) {
            task = loading;
        }
        if (task == null) {
            return JnrNative.load();
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the daemon cannot run without it: wait on, and keep the interrupt
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
