package dev.emperor.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import dev.emperor.internal.UnixDatagramSocket;

/**
 * A stand-in for systemd's notification socket: a bound AF_UNIX datagram socket (a file-system
 * path, or an abstract name written {@code @name} as in {@code NOTIFY_SOCKET}) that records every
 * datagram with its arrival time on CLOCK_MONOTONIC (System.nanoTime on Linux).
 */
final class NotifyListener implements AutoCloseable {
    /** One datagram. */
    record Message(long nanos, String text) {
        boolean has(String line) {
            return text.lines().anyMatch(line::equals);
        }

        String field(String key) {
            return text.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                    .findFirst().orElse(null);
        }
    }

    private final String address;
    private final Path file;
    private final UnixDatagramSocket socket;
    private final List<Message> messages = new ArrayList<>();
    private final Thread reader;

    private NotifyListener(String address, Path file) throws IOException {
        this.address = address;
        this.file = file;
        this.socket = UnixDatagramSocket.bindName(address);
        this.reader = new Thread(this::read, "notify-listener");
        reader.setDaemon(true);
        reader.start();
    }

    static NotifyListener atPath(Path file) throws IOException {
        Files.deleteIfExists(file);
        return new NotifyListener(file.toString(), file);
    }

    static NotifyListener abstractName(String name) throws IOException {
        return new NotifyListener("@" + name, null);
    }

    /** The value for {@code NOTIFY_SOCKET}. */
    String address() {
        return address;
    }

    private void read() {
        byte[] buf = new byte[4096];
        while (true) {
            try {
                int n = socket.receive(buf);
                if (n < 0) {
                    return; // closed
                }
                String text = new String(buf, 0, n, StandardCharsets.UTF_8);
                synchronized (messages) {
                    messages.add(new Message(System.nanoTime(), text));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    List<Message> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** Index of the first message at or after {@code from} that matches, polling up to {@code timeout}. */
    int await(int from, Duration timeout, String desc, Predicate<Message> cond) {
        return Poll.value(timeout, desc, () -> {
            List<Message> m = messages();
            for (int i = from; i < m.size(); i++) {
                if (cond.test(m.get(i))) return java.util.Optional.of(i);
            }
            return java.util.Optional.<Integer>empty();
        }, () -> "\ndatagrams so far: " + messages());
    }

    @Override
    public void close() throws IOException {
        socket.close();
        reader.interrupt();
        if (file != null) Files.deleteIfExists(file);
    }
}
