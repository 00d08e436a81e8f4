package dev.emperor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.internal.Native;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loop's fd → handler registry (docs/architecture.md, "The loop's fds"). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FdHandlersTest {
    final List<String> calls = new ArrayList<>();
    final Native.Poller poller = new Native.Poller() {
        @Override
        public void add(int fd) {
            calls.add("add " + fd);
        }

        @Override
        public void remove(int fd) {
            calls.add("remove " + fd);
        }

        @Override
        public List<Integer> await(long timeoutMs) {
            return List.of();
        }

        @Override
        public void wakeup() {
        }

        @Override
        public void close() {
        }
    };
    final EmperorLog log = new EmperorLog(null, () -> 0L);
    final RecordingEffects fx = new RecordingEffects();
    final Lifecycle lc = new Lifecycle(fx, new Blacklist(1000, 180_000, log), log, new Lifecycle.Settings(30_000, 30_000, false, false));
    final LoopGuard guard = new LoopGuard(log, lc);

    FdHandlers.Handler recording(String kind, boolean fails) {
        return new FdHandlers.Handler() {
            @Override
            public String what(int fd) {
                return kind + " " + fd;
            }

            @Override
            public void readable(Vassal v, int fd, long now) {
                calls.add(kind + " " + fd + " " + v.name());
                if (fails) {
                    throw new IllegalStateException("boom");
                }
            }

            @Override
            public void failed(Vassal v, int fd, long now) {
                calls.add("failed " + kind + " " + fd);
            }
        };
    }

    @Test
    void eachReadyFdGoesToTheHandlerOfItsKindAndUnknownFdsAreLeftAlone() {
        FdHandlers fds = new FdHandlers(poller);
        fds.handle(FdHandlers.Kind.VASSAL_PIPE, recording("pipe", false));
        fds.handle(FdHandlers.Kind.ON_DEMAND_SOCKET, recording("socket", true));
        Vassal a = lc.fileAppeared(LifecycleTest.file("a.ini", 1), 0, false);
        Vassal b = lc.fileAppeared(LifecycleTest.file("b.ini", 1), 0, false);
        fds.add(7, FdHandlers.Kind.VASSAL_PIPE, a);
        fds.add(9, FdHandlers.Kind.ON_DEMAND_SOCKET, b);
        calls.clear();
        fds.serve(List.of(7, 8, 9), guard, () -> 0L);
        assertEquals(List.of("pipe 7 a.ini", "socket 9 b.ini", "failed socket 9"), calls,
                "fd 8 is nobody's; a handler that throws is followed by its failed()");
        calls.clear();
        fds.remove(7);
        fds.serve(List.of(7), guard, () -> 0L);
        assertEquals(List.of("remove 7"), calls, "a removed fd is no longer served");
    }

    @Test
    void oneHandlerPerKind() {
        FdHandlers fds = new FdHandlers(poller);
        fds.handle(FdHandlers.Kind.VASSAL_PIPE, recording("pipe", false));
        assertThrows(IllegalStateException.class, () -> fds.handle(FdHandlers.Kind.VASSAL_PIPE, recording("other", false)));
    }

    @Test
    void aFdThePollerRefusesIsNotRegistered() {
        FdHandlers fds = new FdHandlers(new Native.Poller() {
            @Override
            public void add(int fd) {
                throw new IllegalStateException("EMFILE");
            }

            @Override
            public void remove(int fd) {
            }

            @Override
            public List<Integer> await(long timeoutMs) {
                return List.of();
            }

            @Override
            public void wakeup() {
            }

            @Override
            public void close() {
            }
        });
        fds.handle(FdHandlers.Kind.VASSAL_PIPE, recording("pipe", false));
        Vassal a = lc.fileAppeared(LifecycleTest.file("a.ini", 1), 0, false);
        assertThrows(IllegalStateException.class, () -> fds.add(7, FdHandlers.Kind.VASSAL_PIPE, a));
        fds.serve(List.of(7), guard, () -> 0L);
        assertTrue(calls.isEmpty(), "nothing served: " + calls);
    }
}
