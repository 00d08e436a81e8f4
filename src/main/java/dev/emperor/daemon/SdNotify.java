package dev.emperor.daemon;

import dev.emperor.core.EmperorLog;
import dev.emperor.core.LoopHooks;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The service-manager side of the loop (docs/operations.md, "sd_notify"): {@code READY=1} after the
 * first scan was applied, {@code STATUS=The Emperor is governing N vassals} (uWSGI's words) whenever
 * N changes, {@code RELOADING=1}/{@code READY=1} around a reload of all vassals, {@code STOPPING=1}
 * at Ragnarok, and {@code WATCHDOG=1} every half {@code $WATCHDOG_USEC}. The pings are sent from
 * {@link #iterationDone}, i.e. by the event loop itself: a loop that hangs stops pinging and systemd
 * restarts the service. A failed send is logged once per kind of failure and never ends the loop.
 */
public final class SdNotify implements LoopHooks {

    /** One datagram to the notification socket; false = dropped (queue full). */
    public interface Sender {
        boolean send(String message) throws java.io.IOException;
    }

    private final Sender sender;
    private final EmperorLog log;
    private final LongSupplier nanoTime;
    /** Ping period in nanoseconds, 0 = no watchdog. */
    private final long watchdogNanos;
    private long nextPing;
    private boolean ready;
    private int governed = -1;
    private String lastFailure;

    /**
     * @param nanoTime      CLOCK_MONOTONIC in nanoseconds (System::nanoTime on Linux), for the pings
     *                      and for {@code MONOTONIC_USEC}
     * @param watchdogNanos ping period (half of {@code $WATCHDOG_USEC}), 0 = none
     */
    public SdNotify(Sender sender, EmperorLog log, LongSupplier nanoTime, long watchdogNanos) {
        this.sender = sender;
        this.log = log;
        this.nanoTime = nanoTime;
        this.watchdogNanos = watchdogNanos;
        this.nextPing = nanoTime.getAsLong();
    }

    /**
     * The ping period systemd asks for: half of {@code WATCHDOG_USEC} when it is set and
     * {@code WATCHDOG_PID} is unset or names this process (sd_watchdog_enabled(3)), else 0.
     */
    public static long watchdogNanos(Map<String, String> env, int pid) {
        String usec = env.get("WATCHDOG_USEC");
        String wpid = env.get("WATCHDOG_PID");
        if (usec == null || (wpid != null && !wpid.trim().equals(Integer.toString(pid)))) {
            return 0;
        }
        try {
            long us = Long.parseLong(usec.trim());
            return us > 0 ? us * 1000 / 2 : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The hooks for this process's environment: none without {@code $NOTIFY_SOCKET}; with one that
     * cannot be opened, a warning and none (the service manager will time the start out and say so).
     * The socket must be opened before the daemon marks every fd close-on-exec.
     */
    public static LoopHooks fromEnvironment(Map<String, String> env, int pid, EmperorLog log) {
        String address = env.get("NOTIFY_SOCKET");
        if (address == null || address.isEmpty()) {
            return LoopHooks.NONE;
        }
        dev.emperor.internal.NotifySocket socket;
        try {
            socket = dev.emperor.internal.NotifySocket.open(address);
        } catch (java.io.IOException | RuntimeException e) {
            log.warn("[emperor] sd_notify: cannot open NOTIFY_SOCKET " + address + ": " + e.getMessage());
            return LoopHooks.NONE;
        }
        long period = watchdogNanos(env, pid);
        if (period > 0) {
            log.plain("[emperor] systemd watchdog: pinging every " + period / 1_000_000 + " ms");
        }
        return new SdNotify(socket::send, log, System::nanoTime, period);
    }

    @Override
    public void scanApplied() {
        if (!ready) {
            ready = true;
            send("READY=1");
        }
    }

    @Override
    public void iterationDone(int governedNow) {
        if (ready && governedNow != governed) {
            governed = governedNow;
            send("STATUS=The Emperor is governing " + governedNow + " vassals");
        }
        if (watchdogNanos > 0 && nanoTime.getAsLong() - nextPing >= 0) {
            send("WATCHDOG=1");
            nextPing = nanoTime.getAsLong() + watchdogNanos;
        }
    }

    @Override
    public long millisUntilDue() {
        if (watchdogNanos <= 0) {
            return -1;
        }
        long nanos = nextPing - nanoTime.getAsLong();
        return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
    }

    @Override
    public void reloading() {
        if (ready) { // before the first READY=1 systemd is still waiting for it; nothing to say
            send("RELOADING=1\nMONOTONIC_USEC=" + nanoTime.getAsLong() / 1000);
        }
    }

    @Override
    public void reloaded() {
        if (ready) {
            send("READY=1");
        }
    }

    @Override
    public void stopping() {
        send("STOPPING=1\nSTATUS=The Emperor is burying its vassals");
    }

    private void send(String message) {
        String failure;
        try {
            if (sender.send(message)) {
                lastFailure = null;
                return;
            }
            failure = "notification socket queue full";
        } catch (java.io.IOException | RuntimeException e) {
            failure = String.valueOf(e.getMessage());
        }
        if (!failure.equals(lastFailure)) {
            log.warn("[emperor] sd_notify: cannot send " + message.replace('\n', ' ') + ": " + failure);
            lastFailure = failure;
        }
    }
}
