package dev.emperor.testing;

import java.nio.charset.StandardCharsets;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The PUSH socket the tests feed a zmq:// monitor with, and the one setting that makes a JeroMQ
 * sender dependable: a short ZMTP handshake interval (docs/wire-formats.md, "A JeroMQ sender's
 * first connection"). JeroMQ 0.6.0's connecting side now and then never starts the handshake of a
 * fresh TCP connection; what was sent waits until the handshake interval, 30 s by default, drops
 * that connection and a new one carries it. With {@link #HANDSHAKE_IVL_MS}, that costs 2 s instead,
 * well inside the tests' waits; a handshake that works takes a few ms on loopback.
 */
public final class ZmqPush {
    /** How long a connection may stay without a completed handshake before it is dropped and made again. */
    public static final int HANDSHAKE_IVL_MS = 2000;

    private ZmqPush() {
    }

    /** A PUSH socket of {@code context} connecting to {@code endpoint} (no linger: the tests close at once). */
    public static ZMQ.Socket connect(ZContext context, String endpoint) {
        ZMQ.Socket push = context.createSocket(SocketType.PUSH);
        push.setLinger(0);
        push.setHandshakeIvl(HANDSHAKE_IVL_MS);
        push.connect(endpoint);
        return push;
    }

    /** One multipart message, a part per string (UTF-8). */
    public static void send(ZMQ.Socket push, String... parts) {
        for (int i = 0; i < parts.length; i++) {
            push.send(parts[i].getBytes(StandardCharsets.UTF_8), i < parts.length - 1 ? ZMQ.SNDMORE : 0);
        }
    }
}
