package dev.emperor.stats;

import dev.emperor.control.EmperorCommands;
import dev.emperor.core.Control;
import dev.emperor.core.EmperorSnapshot;
import dev.emperor.core.VassalView;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The {@code /vassals} endpoints and HTTP control on the stats address:
 * <pre>
 * GET  /vassals                  {"control":BOOL,"vassals":[…]}  every vassal, waiting ones included
 * GET  /vassals/NAME             the vassal's object: uWSGI's keys plus "state" and "throttle_ms"; 404 when unknown
 * POST /vassals/NAME/VERB        VERB = restart | stop | start | reset-throttle:
 *                                200 {"ok":true,"message":"ok","vassal":{…}}, 409 same shape with ok=false
 *                                and the refusal, 404 same shape for an unknown vassal
 * POST /reload-all               200 {"ok":true} (SIGHUP semantics)
 * POST /upgrade                  200 {"ok":true,"message":"upgrading"}: in-place upgrade (docs/upgrade.md), the
 *                                exec follows (the connection may end instead of the answer); 409 when refused
 * </pre>
 * NAME is percent-decoded. Without a {@link EmperorCommands} (control disabled) every POST gets 403
 * {@value #DISABLED}. A POST carrying an {@code Origin} that is not the {@code Host} gets 403 (a web
 * page cannot drive the Emperor from the operator's browser), and so does one whose {@code Host} is a
 * DNS name other than {@code localhost} unless control is allowed on any address (DNS rebinding).
 * The handler waits at most {@link #DEFAULT_TIMEOUT} for the loop's answer, else 503.
 */
public final class ControlRoutes {

    public static final String DISABLED = "HTTP control is disabled (emperor-stats-control)";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    static final String PREFIX = "/vassals/";
    private static final String VERBS = "restart, stop, start, reset-throttle";

    private final Supplier<EmperorSnapshot> snapshots;
    private final EmperorCommands commands;
    private final boolean anyHost;
    private final long timeoutNanos;

    ControlRoutes(Supplier<EmperorSnapshot> snapshots, EmperorCommands commands, boolean anyHost, Duration timeout) {
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.commands = commands;
        this.anyHost = anyHost;
        this.timeoutNanos = timeout.toNanos();
    }

    /**
     * Adds the routes.
     *
     * @param commands null = control disabled (POSTs answer 403)
     * @param anyHost    {@code emperor-stats-control-any-address}: accept any {@code Host} name
     */
    public static void install(Router router, Supplier<EmperorSnapshot> snapshots, EmperorCommands commands, boolean anyHost) {
        install(router, snapshots, commands, anyHost, DEFAULT_TIMEOUT);
    }

    static void install(Router router, Supplier<EmperorSnapshot> snapshots, EmperorCommands commands, boolean anyHost,
            Duration timeout) {
        ControlRoutes c = new ControlRoutes(snapshots, commands, anyHost, timeout);
        router.get("/vassals", c::list)
                .routePrefix("GET", PREFIX, c::vassal)
                .routePrefix("POST", PREFIX, c::command)
                .post("/reload-all", c::reloadAll)
                .post("/upgrade", c::upgrade);
    }

    /**
     * Why the daemon must not start with this stats address and control setting, or null: control on a
     * TCP address that is not loopback needs {@code emperor-stats-control-any-address}. UNIX socket
     * paths count as local; an address that does not parse is left to the bind (which then fails).
     */
    public static String addressRefusal(String statsAddress, boolean control, boolean anyAddress) {
        if (!control || anyAddress || statsAddress == null) {
            return null;
        }
        SocketAddress where;
        try {
            where = StatsAddress.parse(statsAddress);
        } catch (IOException e) {
            return null;
        }
        if (where instanceof InetSocketAddress inet && (inet.getAddress() == null || !inet.getAddress().isLoopbackAddress())) {
            return "emperor-stats-control is enabled but the stats address " + statsAddress
                    + " is not a loopback address or a UNIX socket: anyone who can reach it could stop vassals."
                    + " Bind it to 127.0.0.1, [::1] or a UNIX path, or set emperor-stats-control-any-address = true";
        }
        return null;
    }

    private HttpResponse list(HttpRequest request) {
        return HttpResponse.json(VassalJson.list(snapshot(), commands != null));
    }

    private HttpResponse vassal(HttpRequest request) {
        String rest = request.path().substring(PREFIX.length());
        int slash = rest.lastIndexOf('/');
        if (slash >= 0) {
            if (Control.Action.ofVerb(rest.substring(slash + 1)) != null) {
                return HttpResponse.text(405, "use POST for " + PREFIX + "NAME/" + rest.substring(slash + 1))
                        .withHeader("Allow", "POST");
            }
            return HttpResponse.text(404, "no such endpoint (GET /vassals/NAME, POST /vassals/NAME/{" + VERBS + "})");
        }
        String name = HttpRequest.percentDecode(rest);
        Optional<VassalView> v = VassalJson.find(snapshot(), name);
        return v.map(view -> HttpResponse.json(VassalJson.vassal(view)))
                .orElseGet(() -> HttpResponse.text(404, "no vassal named " + oneLine(name)));
    }

    private HttpResponse command(HttpRequest request) {
        HttpResponse refused = refuse(request);
        if (refused != null) {
            return refused;
        }
        String rest = request.path().substring(PREFIX.length());
        int slash = rest.lastIndexOf('/');
        if (slash < 0) {
            return HttpResponse.text(405, "use POST " + PREFIX + "NAME/{" + VERBS + "}, or GET " + PREFIX + "NAME")
                    .withHeader("Allow", "GET, HEAD");
        }
        String verb = rest.substring(slash + 1);
        Control.Action action = Control.Action.ofVerb(verb);
        if (action == null) {
            return HttpResponse.text(404, "unknown action '" + oneLine(HttpRequest.percentDecode(verb)) + "' (" + VERBS + ")");
        }
        String name = HttpRequest.percentDecode(rest.substring(0, slash));
        if (name.isEmpty() || name.indexOf('/') >= 0) {
            return answer(404, false, "no vassal named " + oneLine(name), null);
        }
        Answer<Control.Result> a = await(commands.control(name, action), "control");
        if (a.failure() != null) {
            return a.failure();
        }
        Control.Result result = a.value();
        int status = result.notFound() ? 404 : result.ok() ? 200 : 409;
        return answer(status, result.ok(), result.message(), result.vassal());
    }

    private HttpResponse reloadAll(HttpRequest request) {
        HttpResponse refused = refuse(request);
        if (refused != null) {
            return refused;
        }
        commands.reloadAll();
        return HttpResponse.json(VassalJson.ok());
    }

    private HttpResponse upgrade(HttpRequest request) {
        HttpResponse refused = refuse(request);
        if (refused != null) {
            return refused;
        }
        Answer<String> a = await(commands.upgrade(), "upgrade");
        if (a.failure() != null) {
            return a.failure();
        }
        String refusal = a.value();
        return refusal == null ? answer(200, true, "upgrading", null) : answer(409, false, oneLine(refusal), null);
    }

    /** The loop's answer, or the HTTP response that says why there is none. */
    private record Answer<T>(T value, HttpResponse failure) {
    }

    private <T> Answer<T> await(java.util.concurrent.Future<T> future, String what) {
        try {
            return new Answer<>(future.get(timeoutNanos, TimeUnit.NANOSECONDS), null);
        } catch (TimeoutException e) {
            return new Answer<>(null, HttpResponse.text(503, "the event loop did not answer within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer<>(null, HttpResponse.text(503, "interrupted"));
        } catch (ExecutionException e) {
            return new Answer<>(null, HttpResponse.text(500, what + " failed: " + oneLine(String.valueOf(e.getCause()))));
        }
    }

    private static HttpResponse answer(int status, boolean ok, String message, VassalView vassal) {
        return new HttpResponse(status, HttpResponse.JSON, Map.of(), VassalJson.result(ok, message, vassal));
    }

    /** 403 when control is off, or the request comes from another web origin or names a foreign host. */
    private HttpResponse refuse(HttpRequest request) {
        if (commands == null) {
            return HttpResponse.text(403, DISABLED);
        }
        String host = request.header("host");
        String origin = request.header("origin");
        if (origin != null && (host == null || !host.equalsIgnoreCase(authority(origin)))) {
            return HttpResponse.text(403, "cross-origin control request refused (Origin is not this server)");
        }
        if (!anyHost && host != null && !localHost(host)) {
            return HttpResponse.text(403, "control requests must use an IP address or localhost as Host"
                    + " (or set emperor-stats-control-any-address)");
        }
        return null;
    }

    /** {@code scheme://authority[/...]} → authority; anything else (e.g. {@code null}) → "". */
    static String authority(String origin) {
        int scheme = origin.indexOf("://");
        if (scheme < 0) {
            return "";
        }
        String rest = origin.substring(scheme + 3);
        int end = rest.indexOf('/');
        return end < 0 ? rest : rest.substring(0, end);
    }

    /** A Host header naming an IP literal or localhost (with or without a port). */
    static boolean localHost(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            return h.indexOf(']') > 0; // an IPv6 literal
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        return h.equals("localhost") || h.endsWith(".localhost") || h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    }

    private EmperorSnapshot snapshot() {
        return Objects.requireNonNull(snapshots.get(), "no snapshot published");
    }

    private static String oneLine(String s) {
        return s.replace('\r', ' ').replace('\n', ' ');
    }
}
