package dev.emperor.spawn;

import dev.emperor.internal.Native;
import dev.emperor.protocol.UwsgiPacket;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One fork-server session, Emperor side (docs/wire-formats.md, "Fork-server session"; uWSGI master
 * {@code core/emperor.c: emperor_connect_to_fork_server}): connect to the base vassal's UNIX
 * socket, send one uwsgi packet (modifier1 35, modifier2 = 0x01 pipe | 0x02 config pipe | 0x04
 * on-demand socket) whose body is the vassal argv as a uwsgi array, with the fds as SCM_RIGHTS in
 * that order; then read one reply packet and take its {@code pid} var. uWSGI does all of this
 * blocking inside its loop; here the reply is read whenever the socket is readable, so a silent
 * fork server costs nothing but its deadline.
 */
public final class ForkServerSession {
    public static final int MODIFIER1 = 35;
    public static final int PIPE = 0x01;
    public static final int CONFIG_PIPE = 0x02;
    public static final int ON_DEMAND = 0x04;
    private static final int MAX_REPLY = UwsgiPacket.HEADER_SIZE + UwsgiPacket.MAX_BODY;

    private final Native nat;
    private final int fd;
    private final long deadline;
    private byte[] buf = new byte[256];
    private int have;

    private ForkServerSession(Native nat, int fd, long deadline) {
        this.nat = nat;
        this.fd = fd;
        this.deadline = deadline;
    }

    /** How {@link #open} went. Exactly one of session / waitForBase / error is meaningful. */
    public record Opened(ForkServerSession session, boolean waitForBase, String error) {
    }

    /** How a readable socket advanced the session. */
    public record Progress(boolean done, int pid, String error) {
        static final Progress MORE = new Progress(false, 0, null);

        static Progress pid(int pid) {
            return new Progress(true, pid, null);
        }

        static Progress failed(String error) {
            return new Progress(true, -1, error);
        }
    }

    /** The request packet: header + argv array body. */
    public static byte[] request(List<String> argv, int modifier2) {
        return UwsgiPacket.packet(MODIFIER1, modifier2, UwsgiPacket.encodeArray(argv));
    }

    /**
     * Connects and sends the request with the child's fds: the emperor pipe, then the config pipe
     * ({@code configFd} &ge; 0, modifier2 0x02), then the on-demand socket ({@code onDemandFd} &ge; 0,
     * modifier2 0x04), as uWSGI's fork server reads them. A missing socket file or a refused
     * connection means the base is not (yet) listening: the caller waits for it rather than spawning plainly.
     */
    public static Opened open(Native nat, String socket, List<String> argv, long deadline, int pipeFd, int configFd,
                              int onDemandFd) {
        int modifier2 = PIPE | (configFd >= 0 ? CONFIG_PIPE : 0) | (onDemandFd >= 0 ? ON_DEMAND : 0);
        int[] fds = java.util.stream.IntStream.of(pipeFd, configFd, onDemandFd).filter(fd -> fd >= 0).toArray();
        int fd = nat.connectUnix(socket);
        if (fd == -Native.ENOENT || fd == -Native.ECONNREFUSED || fd == -Native.EAGAIN) {
            return new Opened(null, true, null);
        }
        if (fd < 0) {
            return new Opened(null, false, "connect(" + socket + "): errno " + -fd);
        }
        byte[] packet;
        try {
            packet = request(argv, modifier2);
        } catch (IllegalArgumentException e) {
            nat.close(fd);
            return new Opened(null, false, "argv too large for a uwsgi packet: " + e.getMessage());
        }
        int sent = nat.sendWithFds(fd, packet, fds);
        if (sent != packet.length) {
            nat.close(fd);
            if (sent == -Native.EAGAIN || sent == -107 /* ENOTCONN: connect still in progress */) {
                return new Opened(null, true, null);
            }
            return new Opened(null, false, sent < 0 ? "sendmsg(): errno " + -sent : "short sendmsg(): " + sent + " of " + packet.length + " bytes");
        }
        return new Opened(new ForkServerSession(nat, fd, deadline), false, null);
    }

    public int fd() {
        return fd;
    }

    public long deadline() {
        return deadline;
    }

    /** Reads what is there; done with a pid &gt; 0, or done with an error. */
    public Progress onReadable() {
        byte[] chunk = new byte[4096];
        while (true) {
            int n = nat.read(fd, chunk, chunk.length);
            if (n == -Native.EAGAIN) {
                return Progress.MORE;
            }
            if (n < 0) {
                return Progress.failed("read(): errno " + -n);
            }
            if (n == 0) {
                return Progress.failed("the fork server closed the connection after " + have + " bytes");
            }
            if (have + n > MAX_REPLY) {
                return Progress.failed("reply larger than a uwsgi packet");
            }
            if (have + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.min(MAX_REPLY, Math.max(buf.length * 2, have + n)));
            }
            System.arraycopy(chunk, 0, buf, have, n);
            have += n;
            Progress p = parse();
            if (p != Progress.MORE) {
                return p;
            }
        }
    }

    private Progress parse() {
        if (have < UwsgiPacket.HEADER_SIZE) {
            return Progress.MORE;
        }
        UwsgiPacket.Header h = UwsgiPacket.parseHeader(buf, 0);
        if (have < UwsgiPacket.HEADER_SIZE + h.size()) {
            return Progress.MORE;
        }
        return pidFrom(buf, UwsgiPacket.HEADER_SIZE, h.size());
    }

    /** uWSGI's {@code vassal_fork_server_parser_hook}: modifier1 is not checked; negative values are ignored. */
    static Progress pidFrom(byte[] body, int off, int len) {
        Map<String, String> vars;
        try {
            vars = UwsgiPacket.decodeVars(body, off, len);
        } catch (UwsgiPacket.MalformedPacketException e) {
            return Progress.failed("malformed reply: " + e.getMessage());
        }
        String pid = vars.get("pid");
        if (pid == null) {
            return Progress.failed("reply without a pid");
        }
        if (!pid.matches("[0-9]{1,10}")) {
            return Progress.failed("invalid pid in reply: '" + pid + "'");
        }
        long value = Long.parseLong(pid);
        if (value <= 1 || value > Integer.MAX_VALUE) {
            return Progress.failed("invalid pid in reply: " + pid);
        }
        return Progress.pid((int) value);
    }

    public void close() {
        nat.close(fd);
    }
}
