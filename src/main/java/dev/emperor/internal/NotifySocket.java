package dev.emperor.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The client end of systemd's notification socket ({@code $NOTIFY_SOCKET}, sd_notify(3)): an
 * unbound, non-blocking, close-on-exec {@code AF_UNIX}/{@code SOCK_DGRAM} socket that sends one
 * datagram per message. A leading {@code @} names an abstract socket (a leading NUL byte in
 * {@code sun_path}). Non-blocking because it is used from the event loop: a full receive queue
 * drops the message instead of stalling vassal management (docs/operations.md, "sd_notify").
 * Through the same small binding as the command socket ({@link UnixDatagramSocket}): jnr-unixsocket
 * costs about 250 ms and 274 classes at its first use, on the start path to READY=1
 * (docs/platform-notes.md, "UNIX datagram sockets").
 */
public final class NotifySocket implements AutoCloseable {
    private static final int EAGAIN = 11;

    private final int fd;
    private final byte[] target;

    private NotifySocket(int fd, byte[] target) {
        this.fd = fd;
        this.target = target;
    }

    /** Opens a socket that sends to {@code address} (the value of {@code $NOTIFY_SOCKET}). */
    public static NotifySocket open(String address) throws IOException {
        if (address == null || address.isEmpty() || !(address.startsWith("/") || address.startsWith("@"))) {
            throw new IOException("NOTIFY_SOCKET=" + address + ": neither an absolute path nor an abstract '@' name");
        }
        byte[] target = UnixDatagramSocket.address(address);
        return new NotifySocket(UnixDatagramSocket.openSender(), target);
    }

    /** Sends one message; false when the receiver's queue is full (the message is dropped). */
    public boolean send(String message) throws IOException {
        long n = UnixDatagramSocket.sendFrom(fd, message.getBytes(StandardCharsets.UTF_8), target);
        if (n == -EAGAIN) {
            return false;
        }
        if (n < 0) {
            throw new IOException("sendto(NOTIFY_SOCKET) failed: " + UnixDatagramSocket.strerror((int) -n));
        }
        return n > 0;
    }

    @Override
    public void close() {
        UnixDatagramSocket.closeFd(fd);
    }
}
