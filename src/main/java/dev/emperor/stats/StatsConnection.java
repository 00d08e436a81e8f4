package dev.emperor.stats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * One client of the stats server, driven by the selector thread only.
 *
 * <pre>
 * SNIFF --first bytes look like "TOKEN SP"--> HTTP --request complete or bad--> WRITE
 *   |--nothing within the sniff window, EOF, or other bytes------------------> WRITE (raw JSON)
 * WRITE --all written, output shut down--> LINGER --client EOF / linger over--> closed
 * </pre>
 * Any phase ends at the connection deadline (socket-timeout after accept). LINGER drains what the
 * client still sends, so closing never resets the connection before the client read the answer.
 */
final class StatsConnection {

    /** Longest wait for the client's EOF after the answer was sent. */
    static final long LINGER_NANOS = 1_000_000_000L;

    private enum Phase { SNIFF, HTTP, WRITE, LINGER, CLOSED }

    private final StatsServer server;
    private final SocketChannel channel;
    private final SelectionKey key;
    private final long deadline;
    private final long sniffDue;
    private Phase phase = Phase.SNIFF;
    private long lingerDue = Long.MAX_VALUE;
    private byte[] in = new byte[0];
    private int inLen;
    private HttpRequestParser parser;
    private ByteBuffer[] out;

    StatsConnection(StatsServer server, SocketChannel channel, SelectionKey key, long now, long timeoutNanos, long sniffNanos) {
        this.server = server;
        this.channel = channel;
        this.key = key;
        this.deadline = now + timeoutNanos;
        this.sniffDue = now + sniffNanos;
    }

    boolean isClosed() {
        return phase == Phase.CLOSED;
    }

    /** When {@link #onTimer} wants to run next. */
    long due() {
        long due = deadline;
        if (phase == Phase.SNIFF && inLen == 0) {
            due = Math.min(due, sniffDue);
        } else if (phase == Phase.LINGER) {
            due = Math.min(due, lingerDue);
        }
        return due;
    }

    void onTimer(long now) {
        if (now - deadline >= 0 || phase == Phase.LINGER && now - lingerDue >= 0) {
            close();
        } else if (phase == Phase.SNIFF && inLen == 0 && now - sniffDue >= 0) {
            answerRaw(now); // a raw client (nc, uwsgitop) that sends nothing, as uWSGI expects
        }
    }

    void onReady(long now, ByteBuffer scratch) {
        try {
            if (phase != Phase.WRITE && phase != Phase.CLOSED && key.isValid() && key.isReadable()) {
                read(now, scratch);
            }
            if (phase == Phase.WRITE && key.isValid() && key.isWritable()) {
                write(now);
            }
        } catch (IOException e) {
            close(); // reset by peer and the like
        }
    }

    private void read(long now, ByteBuffer scratch) throws IOException {
        scratch.clear();
        if (phase != Phase.LINGER) {
            scratch.limit(Math.min(scratch.capacity(), HttpRequestParser.MAX_BUFFERED - inLen));
        }
        int n = channel.read(scratch);
        boolean eof = n < 0;
        if (phase == Phase.LINGER) {
            if (eof) {
                close();
            }
            return; // drained and discarded
        }
        if (n > 0) {
            if (inLen + n > in.length) {
                in = Arrays.copyOf(in, Math.min(HttpRequestParser.MAX_BUFFERED, Math.max(inLen + n, Math.max(1024, in.length * 2))));
            }
            scratch.flip();
            scratch.get(in, inLen, n);
            inLen += n;
        }
        if (phase == Phase.SNIFF) {
            HttpRequestParser.Sniff verdict = HttpRequestParser.sniff(in, inLen);
            if (verdict == HttpRequestParser.Sniff.HTTP) {
                phase = Phase.HTTP;
                parser = new HttpRequestParser();
            } else if (verdict == HttpRequestParser.Sniff.NOT_HTTP || eof) {
                answerRaw(now);
                return;
            } else {
                return; // a method name still arriving
            }
        }
        if (phase == Phase.HTTP) {
            HttpRequestParser.Result r = parser.feed(in, inLen);
            if (r != null) {
                in = null; // no longer needed
                answerHttp(now, r);
            } else if (eof) {
                close(); // incomplete request
            } else if (inLen >= HttpRequestParser.MAX_BUFFERED) {
                answerHttp(now, HttpRequestParser.Result.error(431, "request too large"));
            }
        }
    }

    private void answerRaw(long now) {
        byte[] json;
        try {
            json = server.json();
        } catch (RuntimeException e) {
            server.failed("stats snapshot", e);
            close();
            return;
        }
        send(now, ByteBuffer.wrap(json));
    }

    private void answerHttp(long now, HttpRequestParser.Result r) {
        HttpResponse response;
        boolean head = false;
        if (r.request() == null) {
            response = HttpResponse.text(r.status(), HttpResponse.reason(r.status()) + ": " + r.message());
        } else {
            head = r.request().method().equals("HEAD");
            try {
                response = server.dispatch(r.request());
            } catch (RuntimeException e) {
                server.failed("stats request " + r.request().method() + " " + r.request().target(), e);
                response = HttpResponse.error(500);
            }
        }
        ByteBuffer headBytes = ByteBuffer.wrap(response.head());
        if (head) {
            send(now, headBytes);
        } else {
            send(now, headBytes, ByteBuffer.wrap(response.body()));
        }
    }

    private void send(long now, ByteBuffer... buffers) {
        out = buffers;
        phase = Phase.WRITE;
        key.interestOps(SelectionKey.OP_WRITE);
        try {
            write(now); // most answers fit the socket buffer: no extra selector round
        } catch (IOException e) {
            close();
        }
    }

    private void write(long now) throws IOException {
        if (phase != Phase.WRITE) {
            return;
        }
        channel.write(out);
        if (out[out.length - 1].hasRemaining()) {
            return; // wait for OP_WRITE
        }
        out = null;
        channel.shutdownOutput();
        phase = Phase.LINGER;
        lingerDue = now + LINGER_NANOS;
        key.interestOps(SelectionKey.OP_READ);
    }

    void close() {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        in = null;
        out = null;
        key.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
