package dev.emperor.pg;

import dev.emperor.log.Log;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code emperor-pg-channel}: a thread holding a second connection that LISTENs on the channel and asks for a
 * scan as soon as a NOTIFY arrives. Bursts are debounced: the first notification wakes the scan at once, those
 * within the next {@link #DEBOUNCE_MILLIS} are gathered into one more. A (re)connection also asks for a scan,
 * since notifications sent while it was down are lost. The poll stays the safety net.
 */
final class ChannelListener implements AutoCloseable {
    static final int DEBOUNCE_MILLIS = 20;
    /** How long one wait for notifications lasts before checking for shutdown. */
    private static final int WAIT_MILLIS = 1000;

    private final PgSession.Opener opener;
    private final String channel;
    private final Runnable wake;
    private final Log log;
    private final ConnInfo conn;
    private final Backoff backoff;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile PgSession session;
    private Thread thread;

    ChannelListener(PgSession.Opener opener, String channel, Runnable wake, Log log, ConnInfo conn,
                    long firstRetryNanos, long capNanos) {
        this.opener = opener;
        this.channel = channel;
        this.wake = wake;
        this.log = log;
        this.conn = conn;
        this.backoff = new Backoff(firstRetryNanos, capNanos);
    }

    void start(String threadName) {
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        String reported = null;
        while (closed.getCount() > 0) {
            try {
                PgSession s = opener.open(true);
                session = s;
                s.listen(channel);
                backoff.succeeded();
                log.plain("[emperor-pg] listening on channel " + channel);
                reported = null;
                wake.run();
                listen(s);
            } catch (SQLException | RuntimeException e) {
                String why = conn.scrub(String.valueOf(e.getMessage()).replace('\n', ' ').strip());
                if (closed.getCount() == 0) {
                    return;
                }
                if (!why.equals(reported)) {
                    log.warn("[emperor-pg] channel " + channel + ": " + why + " (reconnecting; the " 
                            + "emperor-freq poll goes on meanwhile)");
                    reported = why;
                }
                backoff.failed(System.nanoTime());
            } finally {
                PgSession s = session;
                session = null;
                if (s != null) {
                    s.close();
                }
            }
            long wait = backoff.nanosLeft(System.nanoTime());
            try {
                if (wait > 0 && closed.await(wait, TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void listen(PgSession s) throws SQLException {
        long lastWake = System.nanoTime() - DEBOUNCE_MILLIS * 2_000_000L;
        while (closed.getCount() > 0) {
            if (s.awaitNotifications(WAIT_MILLIS) == 0) {
                continue;
            }
            long quietUntil = lastWake + DEBOUNCE_MILLIS * 1_000_000L;
            long left;
            // within the debounce window of the last wake: gather what else comes, then wake once
            while ((left = quietUntil - System.nanoTime()) > 0) {
                s.awaitNotifications((int) Math.max(1, left / 1_000_000L));
            }
            lastWake = System.nanoTime();
            wake.run();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        PgSession s = session;
        if (s != null) {
            s.close(); // ends a wait in progress
        }
    }
}
