package dev.emperor.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server of its own for the pg:// tests: {@code initdb} into a temp dir, listening on
 * 127.0.0.1 only (plus a UNIX socket inside that dir for the admin commands), with a password-protected role
 * {@link #USER} owning database {@link #DB} and the {@code vassals} table. The server refuses to run as root,
 * so as root (CI) every server command runs as the {@code postgres} user (Debian's package creates it) through
 * {@code setpriv}, and the temp dir is given to it. Binaries: {@code PG_BIN} or Debian's
 * {@code /usr/lib/postgresql/15/bin} ({@code postgresql} in scripts/test).
 * <pre>
 * try (TempPostgres pg = TempPostgres.start("my-test")) {
 *     pg.sql("INSERT INTO vassals(name, config) VALUES ('a.ini', '[uwsgi]...')");
 *     pg.stop(); ... pg.restart();
 * }
 * </pre>
 * {@link #startTlsOnly} gives a server that speaks TLS with a throwaway self-signed certificate and whose
 * {@code pg_hba.conf} rejects every TCP connection without it: a client that does not use TLS is refused.
 */
public final class TempPostgres implements AutoCloseable {
    public static final String USER = "emperor";
    public static final String DB = "fleet";
    /** Every column emperor_pg can read (name, config, ts, uid, gid, socket) plus a host for per-host queries. */
    public static final String TABLE = "CREATE TABLE vassals (name text NOT NULL, config text, ts timestamptz NOT NULL DEFAULT now(),"
            + " uid int, gid int, socket text, host text)";

    private final Path dir;
    private final Path data;
    private final int port;
    private final String password = "pw-" + UUID.randomUUID().toString().substring(0, 12);
    private final boolean asRoot;
    private boolean running;
    /** The port the server listens on now: {@link #port} except while {@link #startElsewhere()} hides it. */
    private int current;

    private TempPostgres(Path dir, int port, boolean asRoot) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.asRoot = asRoot;
        this.current = port;
    }

    public static Path bin(String tool) {
        String d = Impl.setting("pg.bin", "PG_BIN", "/usr/lib/postgresql/15/bin");
        Path p = Path.of(d, tool);
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(p + " not found: install Debian's postgresql (scripts/test does) or set PG_BIN");
        }
        return p;
    }

    /** initdb, start, create the role, database and table. */
    public static TempPostgres start(String name) throws IOException {
        return start(name, false);
    }

    /**
     * As {@link #start(String)}, with {@code ssl = on} and a self-signed certificate for 127.0.0.1
     * ({@link #serverCert()}), and TCP connections without TLS rejected by {@code pg_hba.conf}.
     */
    public static TempPostgres startTlsOnly(String name) throws IOException {
        return start(name, true);
    }

    private static TempPostgres start(String name, boolean tlsOnly) throws IOException {
        Path dir = Files.createTempDirectory("emperor-pg-" + name + "-");
        boolean root = "root".equals(System.getProperty("user.name"));
        TempPostgres pg = new TempPostgres(dir, Ports.free(), root);
        try {
            if (root) {
                UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
            }
            Path pwfile = dir.resolve("pwfile");
            Files.writeString(pwfile, pg.password + "\n");
            if (root) {
                Files.setOwner(pwfile, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
            }
            pg.run(Duration.ofSeconds(60), bin("initdb").toString(), "-D", pg.data.toString(), "-U", "postgres",
                    "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + pwfile, "-E", "UTF8",
                    "--locale=C.UTF-8", "--no-sync");
            if (tlsOnly) {
                pg.requireTls();
            }
            pg.startServer();
            pg.admin("CREATE ROLE " + USER + " LOGIN PASSWORD '" + pg.password + "'");
            pg.admin("CREATE DATABASE " + DB + " OWNER " + USER);
            pg.sql(TABLE);
            return pg;
        } catch (IOException | RuntimeException | Error e) {
            pg.close();
            throw e;
        }
    }

    /** The server's certificate (PEM), its own root: what a client gives as {@code sslrootcert} to verify it. */
    public Path serverCert() {
        return data.resolve("server.crt");
    }

    /** A second self-signed certificate for the same name and address, which did not sign the server's. */
    public Path unrelatedCert() throws IOException {
        Path crt = dir.resolve("unrelated.crt");
        if (!Files.exists(crt)) {
            selfSigned(crt, dir.resolve("unrelated.key"));
        }
        return crt;
    }

    private void requireTls() throws IOException {
        selfSigned(serverCert(), data.resolve("server.key"));
        // the server refuses to start with a key that others may read
        Files.setPosixFilePermissions(data.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(data.resolve("postgresql.conf"), "\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n",
                StandardOpenOption.APPEND);
        // first matching line wins: plain TCP is rejected before the password lines initdb wrote are reached
        Path hba = data.resolve("pg_hba.conf");
        Files.writeString(hba, "hostnossl all all 0.0.0.0/0 reject\nhostnossl all all ::/0 reject\n" + Files.readString(hba));
    }

    /** Runs as the server's user (as root: postgres), so that the files are its own. */
    private void selfSigned(Path crt, Path key) throws IOException {
        run(Duration.ofSeconds(60), "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(),
                "-out", crt.toString());
    }

    public int port() {
        return port;
    }

    public String password() {
        return password;
    }

    /** libpq key=value connection string for the test role (with its password). */
    public String conninfo() {
        return "host=127.0.0.1 port=" + port + " dbname=" + DB + " user=" + USER + " password=" + password;
    }

    /** Starts the (initialised) server again after {@link #stop()}; waits until it accepts connections. */
    public void restart() throws IOException {
        current = port;
        startServer();
    }

    /**
     * After {@link #stop()}: the same database on another port, which the Emperors do not know. For an outage
     * during which the rows change: the Emperors still cannot reach it, the test can ({@link #sql}).
     */
    public void startElsewhere() throws IOException {
        current = Ports.free();
        startServer();
    }

    private void startServer() throws IOException {
        run(Duration.ofSeconds(60), bin("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-t", "50", "-o", "-c listen_addresses=127.0.0.1 -p " + current + " -k " + dir
                        + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start");
        running = true;
    }

    /** Fast shutdown: every client connection is cut at once, as in an outage. */
    public void stop() throws IOException {
        run(Duration.ofSeconds(60), bin("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "50", "stop");
        running = false;
    }

    /** Statements as the superuser, through the UNIX socket in the temp dir. */
    public void admin(String sql) throws IOException {
        run(Duration.ofSeconds(30), bin("psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", dir.toString(),
                "-p", String.valueOf(current), "-U", "postgres", "-d", "postgres", "-c", sql);
    }

    /** A new JDBC connection as the test role (autocommit: each statement commits at once). */
    public Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", password);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + current + "/" + DB, p);
    }

    /** Runs statements as the test role, each committed. */
    public void sql(String... statements) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    /** Server log, for diagnostics. */
    public String serverLog() {
        try {
            return Files.readString(dir.resolve("server.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no server log: " + e + ")";
        }
    }

    private void run(Duration timeout, String... command) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (asRoot) {
            cmd.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
        }
        cmd.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        Path out = Files.createTempFile("emperor-pg-cmd-", ".out");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out after " + timeout + ": " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                throw new IOException("exit " + p.exitValue() + ": " + String.join(" ", cmd) + "\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Override
    public void close() {
        try {
            if (running) {
                stop();
            }
        } catch (IOException e) {
            killPostmaster();
        } finally {
            TempEmperor.deleteTree(dir);
        }
    }

    /** pg_ctl failed to stop it: SIGKILL the postmaster by the pid it wrote (only the server this test started). */
    private void killPostmaster() {
        try {
            String pid = Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip();
            TempEmperor.kill("KILL", Long.parseLong(pid));
        } catch (IOException | RuntimeException ignored) {
            // no pid file: nothing is running
        }
    }
}
