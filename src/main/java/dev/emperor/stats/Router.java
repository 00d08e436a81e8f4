package dev.emperor.stats;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Dispatches by method and path (exact or prefix). A path that matches a route of another method
 * gets 405 with an {@code Allow} header; no match at all gets 404. {@code HEAD} falls back to the
 * {@code GET} route (the server drops the body). Routes may be added at any time (thread-safe);
 * the first matching route wins.
 */
public final class Router implements HttpHandler {

    private record Route(String method, String path, boolean prefix, HttpHandler handler) {
        boolean matchesPath(String p) {
            return prefix ? p.startsWith(path) : p.equals(path);
        }
    }

    private final List<Route> routes = new CopyOnWriteArrayList<>();

    /** Routes {@code method} on exactly {@code path} (percent-encoded form, no query). */
    public Router route(String method, String path, HttpHandler handler) {
        routes.add(new Route(method, path, false, handler));
        return this;
    }

    /** Routes {@code method} on every path starting with {@code prefix}, e.g. {@code /vassals/}. */
    public Router routePrefix(String method, String prefix, HttpHandler handler) {
        routes.add(new Route(method, prefix, true, handler));
        return this;
    }

    public Router get(String path, HttpHandler handler) {
        return route("GET", path, handler);
    }

    public Router post(String path, HttpHandler handler) {
        return route("POST", path, handler);
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        String method = request.method();
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            if (!r.matchesPath(request.path())) {
                continue;
            }
            if (r.method.equals(method) || method.equals("HEAD") && r.method.equals("GET")) {
                return r.handler.handle(request);
            }
            allowed.add(r.method);
            if (r.method.equals("GET")) {
                allowed.add("HEAD");
            }
        }
        if (allowed.isEmpty()) {
            return HttpResponse.error(404);
        }
        return HttpResponse.error(405).withHeader("Allow", String.join(", ", allowed));
    }
}
