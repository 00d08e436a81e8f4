package dev.emperor.zmq;

import dev.emperor.log.Log;
import dev.emperor.source.Monitor;
import dev.emperor.source.ScanResult;
import dev.emperor.source.Skipped;
import dev.emperor.source.TyrantCheck;
import dev.emperor.source.VassalNames;
import dev.emperor.source.VassalSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code emperor = zmq://ENDPOINT}: vassals pushed as ZeroMQ messages to a PULL socket bound on
 * ENDPOINT, as uWSGI's emperor_zeromq plugin takes them (docs/uwsgi-compat.md, "zmq:// monitor").
 * The socket lives on a thread of its own ({@link ZmqReceiver}); what it received is the source:
 * every instance touched and not destroyed since the Emperor started. A touch asks for a scan at
 * once; the scan answers with that set, so the loop spawns, reloads (a later touch is a newer change
 * marker) and stops (a destroy removes the name) as for any monitor. Nothing is remembered across
 * an Emperor restart, as in uWSGI.
 */
public final class ZmqMonitor implements Monitor {
    private final String argument;
    private final VassalNames names;
    private final TyrantCheck tyrant;
    private final Path base;
    private final Log log;
    private final ZmqReceiver receiver;
    private final Map<String, VassalSource> touched = new LinkedHashMap<>();
    private final Map<String, Skipped> refused = new LinkedHashMap<>();
    private long lastMarker;
    private volatile Runnable scanSoon = () -> { };

    /**
     * Binds the PULL socket at once: an endpoint that cannot be bound is a start-up error (uWSGI exits 1).
     *
     * @throws IllegalArgumentException the endpoint cannot be bound
     */
    public ZmqMonitor(String value, VassalNames names, TyrantCheck tyrant, Path base, Log log) {
        this.argument = value;
        this.names = names;
        this.tyrant = tyrant;
        this.base = base;
        this.log = log;
        this.receiver = ZmqReceiver.bind(value.substring("zmq://".length()), this::take, log);
    }

    @Override
    public String argument() {
        return argument;
    }

    @Override
    public void wakeUps(Runnable scanSoon) {
        this.scanSoon = scanSoon;
        receiver.start();
    }

    @Override
    public ScanResult scan() {
        List<VassalSource> now;
        List<Skipped> skipped;
        synchronized (this) {
            now = new ArrayList<>(touched.values());
            skipped = new ArrayList<>(refused.values());
        }
        if (tyrant != null) {
            now.replaceAll(this::judged);
        }
        return new ScanResult(argument, true, null, now, skipped);
    }

    /** Tyrant mode: the uid/gid parts are the owner (absent = 0, refused, as emperor_zeromq passes 0). */
    private VassalSource judged(VassalSource s) {
        String why = tyrant.owner(s.name(), s.uid(), s.gid()).refusal();
        return why == null ? s : s.withRefusal(why);
    }

    @Override
    public void close() {
        receiver.close();
    }

    /** One message, on the receiver's thread. */
    void take(List<byte[]> parts) {
        String bad = ZmqCommand.malformed(parts);
        if (bad != null) {
            log.plain(bad);
            return;
        }
        ZmqCommand c = ZmqCommand.of(parts);
        switch (c.verb()) {
            case "touch" -> touch(c);
            case "destroy" -> destroy(c.name());
            default -> log.plain("[emperor-zeromq] unknown command \"" + c.verb() + "\"");
        }
    }

    private void touch(ZmqCommand c) {
        synchronized (this) {
            refused.remove(c.name());
            String why = refusal(c);
            if (why != null) {
                refused.put(c.name(), new Skipped(c.name(), why));
                touched.remove(c.name());
            } else {
                touched.put(c.name(), source(c, marker()));
            }
        }
        scanSoon.run();
    }

    private void destroy(String name) {
        boolean known;
        synchronized (this) {
            known = touched.remove(name) != null;
            refused.remove(name);
        }
        if (!known) {
            log.plain("[emperor-zeromq] unknown instance \"" + name + "\"");
            return;
        }
        scanSoon.run();
    }

    /** A name uWSGI's uwsgi_emperor_is_valid rejects, or a config too large for the config pipe. */
    private String refusal(ZmqCommand c) {
        if (!names.hasVassalExtension(c.name()) || names.tooLong(c.name())) {
            return names.tooLong(c.name()) ? "the name is longer than " + VassalNames.MAX_NAME + " bytes"
                    : "the name has no vassal extension (.ini, .xml, .yml, .yaml, .js, .json or emperor-extra-extension)";
        }
        if (c.config() != null && c.config().length > VassalSource.MAX_CONFIG) {
            return "its config has " + c.config().length + " bytes, more than the " + VassalSource.MAX_CONFIG
                    + " a config-pipe packet carries";
        }
        return null;
    }

    private VassalSource source(ZmqCommand c, long marker) {
        return c.config() != null
                ? VassalSource.ofConfig(c.name(), c.config(), base, marker, c.uid(), c.gid(), argument, c.socket())
                : new VassalSource(c.name(), base.resolve(c.name()), base, marker, c.uid(), c.gid(), argument, Map.of(),
                        null, c.socket());
    }

    /** The change marker of a touch: wall-clock ns, strictly increasing, so every touch reloads. */
    private long marker() {
        lastMarker = Math.max(System.currentTimeMillis() * 1_000_000L, lastMarker + 1);
        return lastMarker;
    }
}
