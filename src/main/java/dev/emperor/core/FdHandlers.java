package dev.emperor.core;

import dev.emperor.internal.Native;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The loop's fd → handler registry (docs/architecture.md, "The loop's fds"): every fd in the loop's
 * poller is registered with its {@link Kind} and its vassal, and each kind has one handler,
 * registered once when the loop is built. A new kind of fd is a new {@link Kind} and a handler, not
 * another branch in the dispatch. Loop thread only.
 */
final class FdHandlers {

    /** What an fd in the loop's poller is. */
    enum Kind {
        /** The Emperor's end of a vassal's pipe (uWSGI's emperor pipe). */
        VASSAL_PIPE,
        /** The listening socket of a sleeping on-demand vassal. */
        ON_DEMAND_SOCKET,
        /** A fork-server session waiting for its pid reply. */
        FORK_SERVER_SESSION
    }

    /** Serves one readable fd of its kind; every call runs guarded (no exception ends the loop). */
    interface Handler {
        /** What the loop was doing, for the log line of a failure ("reading the pipe"). */
        String what(int fd);

        void readable(Vassal v, int fd, long now);

        /** {@link #readable} threw: leave the vassal in a state the loop can go on with. */
        default void failed(Vassal v, int fd, long now) {
        }

        /** What {@link #failed} does, for its own failure's log line. */
        default String whatAfter(int fd) {
            return "recovering from a failure on fd " + fd;
        }

        /**
         * A failure is the vassal's: logged with its name and its deadlines postponed (false for fds
         * with deadlines of their own, such as a fork-server session).
         */
        default boolean blamesVassal() {
            return true;
        }
    }

    private record Watched(Kind kind, Vassal vassal) {
    }

    private final Native.Poller poller;
    private final Map<Kind, Handler> handlers = new EnumMap<>(Kind.class);
    private final Map<Integer, Watched> watched = new HashMap<>();

    FdHandlers(Native.Poller poller) {
        this.poller = poller;
    }

    /** The one handler of {@code kind}; set while the loop is built. */
    void handle(Kind kind, Handler handler) {
        if (handlers.putIfAbsent(kind, handler) != null) {
            throw new IllegalStateException("a second handler for " + kind);
        }
    }

    /** Watches fd for {@code v}; when the poller refuses it (it throws), nothing is registered. */
    void add(int fd, Kind kind, Vassal v) {
        poller.add(fd);
        watched.put(fd, new Watched(kind, v));
    }

    /** Forgets fd, then takes it out of the poller (which may throw: callers release quietly). */
    void remove(int fd) {
        watched.remove(fd);
        poller.remove(fd);
    }

    /** Hands every ready fd to the handler of its kind; fds nobody registered are left alone. */
    void serve(List<Integer> ready, LoopGuard guard, LongSupplier clock) {
        for (int fd : ready) {
            Watched w = watched.get(fd);
            if (w == null) {
                continue;
            }
            Handler h = handlers.get(w.kind());
            Vassal blamed = h.blamesVassal() ? w.vassal() : null;
            long at = clock.getAsLong();
            if (!guard.run(h.what(fd), blamed, at, () -> h.readable(w.vassal(), fd, at))) {
                guard.run(h.whatAfter(fd), blamed, at, () -> h.failed(w.vassal(), fd, at));
            }
        }
    }
}
