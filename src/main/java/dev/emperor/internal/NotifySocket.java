package dev.emperor.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;

/**
 * The client end of systemd's notification socket ({@code $NOTIFY_SOCKET}, sd_notify(3)): an
 * unbound, non-blocking {@code AF_UNIX}/{@code SOCK_DGRAM} socket that sends one datagram per
 * message. A leading {@code @} names an abstract socket (a leading NUL byte in {@code sun_path}).
 * Non-blocking because it is used from the event loop: a full receive queue drops the message
 * instead of stalling vassal management (docs/operations.md, "sd_notify"). The fd is not opened
 * with {@code SOCK_CLOEXEC} by jnr-unixsocket; the daemon opens it before it marks every fd
 * close-on-exec.
 */
public final class NotifySocket implements AutoCloseable {
    private final UnixDatagramChannel channel;
    private final UnixSocketAddress target;

    private NotifySocket(UnixDatagramChannel channel, UnixSocketAddress target) {
        this.channel = channel;
        this.target = target;
    }

    /** Opens a socket that sends to {@code address} (the value of {@code $NOTIFY_SOCKET}). */
    public static NotifySocket open(String address) throws IOException {
        if (address == null || address.isEmpty() || !(address.startsWith("/") || address.startsWith("@"))) {
            throw new IOException("NOTIFY_SOCKET=" + address + ": neither an absolute path nor an abstract '@' name");
        }
        String path = address.startsWith("@") ? "\0" + address.substring(1) : address;
        UnixDatagramChannel channel = UnixDatagramChannel.open();
        try {
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new NotifySocket(channel, new UnixSocketAddress(path));
    }

    /** Sends one message; false when the receiver's queue is full (the message is dropped). */
    public boolean send(String message) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8));
        return channel.send(buf, target) > 0;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
