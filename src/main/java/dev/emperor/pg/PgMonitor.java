package dev.emperor.pg;

import dev.emperor.log.Log;
import dev.emperor.source.Monitor;
import dev.emperor.source.ScanResult;
import dev.emperor.source.TyrantCheck;
import dev.emperor.source.VassalNames;
import dev.emperor.source.VassalSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code emperor = pg://CONNINFO[;QUERY]}: every scan runs the query over one long-lived connection and
 * reports each row as a config-shaped vassal source, as uWSGI's {@code emperor_pg} does with a connection per
 * scan (docs/uwsgi-compat.md, "pg:// monitor"). A scan that cannot reach the database, or whose query fails,
 * is a failed look: nothing is concluded, no vassal is stopped. With {@code emperor-pg-channel} a
 * {@link ChannelListener} asks for a scan as soon as a NOTIFY arrives; the poll stays the safety net.
 * Its {@link #argument()} never shows the password.
 */
public final class PgMonitor implements Monitor {
    private final PgArgument arg;
    private final String shown;
    private final PgRows rows;
    private final TyrantCheck tyrant;
    private final Path cwd;
    private final QueryLink link;
    private final String channel;
    private final PgSession.Opener opener;
    private final Log log;
    private final long retryCapNanos;
    private ChannelListener listener;
    private volatile Runnable wake;
    /** Asks for the scan that retries the connection as soon as the backoff allows, not only at the next poll. */
    private java.util.concurrent.ScheduledExecutorService retries;
    private boolean wasConnected;

    /**
     * @param cwd     the Emperor's directory, where config-shaped vassals start (as uWSGI)
     * @param tyrant  Tyrant mode's checks, null outside it
     * @param channel {@code emperor-pg-channel}, null for polling only
     * @param freq    {@code emperor-freq}: reconnection attempts are never spaced further apart
     */
    public PgMonitor(PgArgument arg, PgSession.Opener opener, VassalNames names, TyrantCheck tyrant, Path cwd,
                     String channel, Duration freq, Log log) {
        this.arg = arg;
        this.shown = arg.redacted();
        this.rows = new PgRows(names, tyrant != null);
        this.tyrant = tyrant;
        this.cwd = cwd;
        this.channel = channel;
        this.opener = opener;
        this.log = log;
        // a little under the poll, so that the poll after a database comes back always finds it allowed to try
        this.retryCapNanos = Math.max(250_000_000L, freq.toNanos() - 200_000_000L);
        this.link = new QueryLink(opener, arg.conn(), System::nanoTime, Math.min(250_000_000L, retryCapNanos), retryCapNanos);
        log.plain("[emperor] enabled emperor PostgreSQL monitor");
    }

    /**
     * Starts LISTENing (with emperor-pg-channel); {@code wake} asks for a scan of this monitor at once.
     * Idempotent: the scanner and the daemon may both hand it over.
     */
    @Override
    public synchronized void wakeUps(Runnable wake) {
        if (this.wake == null) {
            this.wake = wake;
            retries = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "pg-retry");
                t.setDaemon(true);
                return t;
            });
        }
        if (channel != null && listener == null) {
            listener = new ChannelListener(opener, channel, wake, log, arg.conn(), Math.min(250_000_000L, retryCapNanos),
                    retryCapNanos);
            listener.start("pg-listen-" + channel);
        }
    }

    @Override
    public String argument() {
        return shown;
    }

    @Override
    public ScanResult scan() {
        PgSession.Rows result;
        try {
            result = link.query(arg.query());
        } catch (QueryLink.Unavailable e) {
            wasConnected = false;
            retrySoon();
            return ScanResult.failed(shown, e.getMessage());
        }
        if (!wasConnected) {
            log.plain("[emperor-pg] connected to " + shown);
            wasConnected = true;
        }
        PgRows.Answer a = rows.read(result.columns(), result.values());
        if (a.error() != null) {
            return ScanResult.failed(shown, a.error());
        }
        List<VassalSource> out = new ArrayList<>(a.vassals().size());
        for (PgVassal v : a.vassals()) {
            int uid = v.uid();
            int gid = v.gid();
            String refusal = null;
            if (tyrant != null) {
                TyrantCheck.Owner o = tyrant.owner(v.name(), uid, gid);
                uid = o.uid();
                gid = o.gid();
                refusal = o.refusal();
            }
            out.add(new VassalSource(v.name(), null, cwd, v.tsNanos(), uid, gid, shown, Map.of(), refusal, v.socket(),
                    v.config()));
        }
        return new ScanResult(shown, true, null, out, a.skipped(), a.kept(), 0);
    }

    /** A database back after an outage is found within the backoff (≤ the poll), at once when it is short. */
    private synchronized void retrySoon() {
        Runnable w = wake;
        if (w != null && !retries.isShutdown()) {
            // the backoff is capped under the poll: this retry always comes before the next poll would
            retries.schedule(w, Math.max(link.nanosUntilRetry(), 1_000_000L), java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public Set<Path> watchDirectories() {
        return Set.of();
    }

    /** Ends the LISTEN thread and the query connection (the daemon's shutdown). */
    @Override
    public synchronized void close() {
        if (retries != null) {
            retries.shutdownNow();
        }
        if (listener != null) {
            listener.close();
        }
        link.close();
    }
}
