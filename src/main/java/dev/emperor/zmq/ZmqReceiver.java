package dev.emperor.zmq;

import dev.emperor.log.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The PULL socket of a zmq:// monitor and the thread that reads it (JeroMQ, a ZeroMQ in Java: no
 * libzmq). Each multipart message is handed whole to the consumer.
 */
final class ZmqReceiver implements AutoCloseable {
    private final ZContext context;
    private final ZMQ.Socket socket;
    private final Consumer<List<byte[]>> consumer;
    private final Log log;
    private final String endpoint;
    private Thread thread;
    private volatile boolean closed;

    private ZmqReceiver(ZContext context, ZMQ.Socket socket, String endpoint, Consumer<List<byte[]>> consumer, Log log) {
        this.context = context;
        this.socket = socket;
        this.endpoint = endpoint;
        this.consumer = consumer;
        this.log = log;
    }

    static ZmqReceiver bind(String endpoint, Consumer<List<byte[]>> consumer, Log log) {
        ZContext context = new ZContext(1);
        try {
            ZMQ.Socket socket = context.createSocket(SocketType.PULL);
            socket.setLinger(0);
            socket.setReceiveTimeOut(500); // so that close() is noticed without interrupting a JeroMQ call
            socket.bind(endpoint);
            return new ZmqReceiver(context, socket, endpoint, consumer, log);
        } catch (ZMQException | IllegalArgumentException e) {
            context.close();
            throw new IllegalArgumentException("zmq_bind(" + endpoint + "): " + e.getMessage(), e);
        }
    }

    synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(this::run, "emperor-zmq " + endpoint);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!closed) {
            try {
                byte[] first = socket.recv(0);
                if (first == null) {
                    continue; // the receive timeout: look at closed again
                }
                List<byte[]> parts = new ArrayList<>();
                parts.add(first);
                while (socket.hasReceiveMore()) {
                    parts.add(socket.recv(0));
                }
                consumer.accept(parts);
            } catch (ZMQException e) {
                if (closed) {
                    return;
                }
                log.error("[emperor-zeromq] " + endpoint + ": " + e.getMessage());
            } catch (RuntimeException e) {
                // one bad message must not end the monitor
                log.error("[emperor-zeromq] " + endpoint + ": " + e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        context.close();
    }
}
