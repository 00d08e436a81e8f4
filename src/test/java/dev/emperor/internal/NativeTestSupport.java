package dev.emperor.internal;

import dev.emperor.testing.Await;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/** Shared helpers: one libc binding per JVM, deadline polling, reaping by pid, reading to EOF. */
final class NativeTestSupport {
    static final JnrNative NATIVE = JnrNative.load();
    static final Duration WAIT = Duration.ofSeconds(10);
    /** reapAny reaps whatever exited; children another test is waiting for are parked here. */
    private static final Map<Integer, Reaped> REAPED = new ConcurrentHashMap<>();

    private NativeTestSupport() {
    }

    /** {@link Await#until}, answering whether cond held before the deadline instead of failing. */
    static boolean until(Duration limit, BooleanSupplier cond) {
        try {
            Await.until(limit, "condition", cond::getAsBoolean);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    /** Reaps until {@code pid} has been collected (by this call or an earlier one). */
    static synchronized Reaped awaitExit(int pid) {
        Reaped[] found = new Reaped[1];
        boolean ok = until(WAIT, () -> {
            Reaped r;
            while ((r = NATIVE.reapAny()).pid() > 0) {
                REAPED.put(r.pid(), r);
            }
            found[0] = REAPED.remove(pid);
            return found[0] != null;
        });
        if (!ok) {
            NATIVE.kill(pid, Native.SIGKILL);
            fail("pid " + pid + " was not reaped within " + WAIT);
        }
        return found[0];
    }

    /** Reads fd to EOF through a poller (non-blocking, so a missing EOF fails instead of hanging). */
    static String readToEof(int fd) {
        NATIVE.setNonBlocking(fd);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        long end = System.nanoTime() + WAIT.toNanos();
        try (Native.Poller poller = NATIVE.newPoller()) {
            poller.add(fd);
            while (true) {
                int n = NATIVE.read(fd, buf, buf.length);
                if (n == 0) {
                    return out.toString(StandardCharsets.UTF_8);
                }
                if (n > 0) {
                    out.write(buf, 0, n);
                    continue;
                }
                assertTrue(n == -Native.EAGAIN, "read errno " + -n);
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    fail("no EOF on fd " + fd + " after " + WAIT + "; got: " + out.toString(StandardCharsets.UTF_8));
                }
                poller.await(left);
            }
        }
    }

    /** The "flags:" line of /proc/self/fdinfo/fd, octal. */
    static int fdinfoFlags(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring(6).trim(), 8);
            }
        }
        throw new IllegalStateException("no flags in fdinfo of " + fd);
    }

    /** Fields of /proc/pid/stat after the command name: [0]=state, [1]=ppid, [2]=pgrp, [3]=session. */
    static List<String> statFields(String pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
    }

    static SpawnRequest sh(String script, Map<Integer, Integer> fds, boolean newSession, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("sh", "-c", script, "sh"));
        argv.addAll(List.of(args));
        return new SpawnRequest("/bin/sh", argv, List.of("PATH=/usr/bin:/bin"), null, fds, newSession);
    }
}
