package dev.emperor.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One stats document of an Emperor (uWSGI's {@code emperor-stats} JSON), read the uWSGI way: connect, send
 * nothing, read until EOF.
 */
public final class Stats {

    private final String raw;
    private final Json.Obj root;

    private Stats(String raw, Json.Obj root) {
        this.raw = raw;
        this.root = root;
    }

    /** Connects to 127.0.0.1:{@code port}, reads the whole document and parses it (strictly). */
    public static Stats fetch(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(5000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
            return parse(out.toString(StandardCharsets.UTF_8));
        }
    }

    /** Parses a stats document. */
    public static Stats parse(String raw) throws IOException {
        return new Stats(raw, Json.parseObject(raw));
    }

    public String raw() {
        return raw;
    }

    public Json.Obj root() {
        return root;
    }

    /** Top-level keys in document order. */
    public List<String> topKeys() {
        return root.keys();
    }

    public long pid() {
        return root.num("pid");
    }

    public List<Vassal> vassals() {
        List<Vassal> l = new ArrayList<>();
        for (Object o : root.list("vassals")) l.add(new Vassal((Json.Obj) o));
        return l;
    }

    public Optional<Vassal> vassal(String id) {
        return vassals().stream().filter(v -> v.id().equals(id)).findFirst();
    }

    public List<Blacklisted> blacklist() {
        List<Blacklisted> l = new ArrayList<>();
        for (Object o : root.list("blacklist")) l.add(new Blacklisted((Json.Obj) o));
        return l;
    }

    public Optional<Blacklisted> blacklisted(String id) {
        return blacklist().stream().filter(b -> b.id().equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return raw;
    }

    /** One entry of {@code vassals[]}. */
    public record Vassal(Json.Obj obj) {
        public String id() {
            return obj.str("id");
        }

        public long pid() {
            return obj.num("pid");
        }

        public long num(String key) {
            return obj.num(key);
        }

        public long respawns() {
            return obj.num("respawns");
        }

        public boolean ready() {
            return obj.num("ready") == 1;
        }

        public boolean accepting() {
            return obj.num("accepting") == 1;
        }

        public boolean loyal() {
            return obj.num("loyal") == 1;
        }

        public long lastHeartbeat() {
            return obj.num("last_heartbeat");
        }

        public long cursed() {
            return obj.num("cursed");
        }
    }

    /** One entry of {@code blacklist[]}. */
    public record Blacklisted(Json.Obj obj) {
        public String id() {
            return obj.str("id");
        }

        /** Current penalty in milliseconds. */
        public long throttleLevel() {
            return obj.num("throttle_level");
        }

        public long attempt() {
            return obj.num("attempt");
        }

        public long firstAttempt() {
            return obj.num("first_attempt");
        }

        public long lastAttempt() {
            return obj.num("last_attempt");
        }
    }
}
