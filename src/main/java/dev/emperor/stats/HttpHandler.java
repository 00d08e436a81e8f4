package dev.emperor.stats;

/**
 * Answers one HTTP request. Runs on the stats thread: it must be quick and must not block (read
 * the published snapshot; post commands to the event loop, never wait for it).
 */
@FunctionalInterface
public interface HttpHandler {
    HttpResponse handle(HttpRequest request);
}
