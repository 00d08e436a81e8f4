package dev.emperor.pg;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * libpq keywords (and libpq's environment variables for what the string leaves out) turned into a pgjdbc
 * URL and properties (docs/uwsgi-compat.md, "pg:// monitor"). A keyword the driver cannot honour is refused
 * at start, as libpq refuses an unknown one ("invalid connection option"), rather than silently dropped.
 * The password file ({@code PGPASSFILE}, {@code ~/.pgpass}) is read by pgjdbc itself when no password is given.
 *
 * @param url        {@code jdbc:postgresql://host:port,.../dbname}, never with credentials
 * @param properties user, password, sslmode ... as pgjdbc names them
 */
public record JdbcTarget(String url, Properties properties) {

    /** libpq keyword → pgjdbc property, for those passed through unchanged in meaning. */
    private static final Map<String, String> SAME_MEANING = Map.ofEntries(
            Map.entry("user", "user"),
            Map.entry("password", "password"),
            Map.entry("sslmode", "sslmode"),
            Map.entry("sslcert", "sslcert"),
            Map.entry("sslkey", "sslkey"),
            Map.entry("sslrootcert", "sslrootcert"),
            Map.entry("sslpassword", "sslpassword"),
            Map.entry("connect_timeout", "connectTimeout"),
            Map.entry("application_name", "ApplicationName"),
            Map.entry("options", "options"),
            Map.entry("service", "service"),
            Map.entry("gssencmode", "gssEncMode"),
            Map.entry("keepalives", "tcpKeepAlive"));

    /** libpq's environment fallbacks for the keywords above (libpq docs, "Environment Variables"). */
    private static final Map<String, String> ENV = Map.of(
            "host", "PGHOST", "port", "PGPORT", "dbname", "PGDATABASE", "user", "PGUSER",
            "password", "PGPASSWORD", "sslmode", "PGSSLMODE", "connect_timeout", "PGCONNECT_TIMEOUT",
            "application_name", "PGAPPNAME");

    /** Without connect_timeout, libpq waits forever; a scan must not (its bound is Scanner.SCAN_BOUND). */
    static final String DEFAULT_CONNECT_TIMEOUT = "5";

    /**
     * @param env the process environment ({@code System::getenv} in the daemon)
     * @throws IllegalArgumentException naming the keyword (never its value)
     */
    public static JdbcTarget of(ConnInfo info, Function<String, String> env) {
        Properties p = new Properties();
        String host = value(info, env, "host");
        if (host == null) {
            host = info.get("hostaddr");
        }
        for (Map.Entry<String, String> e : info.params().entrySet()) {
            String key = e.getKey();
            if (!SAME_MEANING.containsKey(key) && !key.equals("host") && !key.equals("hostaddr") && !key.equals("port")
                    && !key.equals("dbname") && !key.equals("target_session_attrs")) {
                throw new IllegalArgumentException("connection option \"" + key + "\" is not supported"
                        + " (libpq keywords the JDBC driver honours: host, port, dbname, user, password, sslmode, sslcert,"
                        + " sslkey, sslrootcert, connect_timeout, application_name, options, service, target_session_attrs)");
            }
        }
        for (String key : SAME_MEANING.keySet()) {
            String v = value(info, env, key);
            if (v != null) {
                p.setProperty(SAME_MEANING.get(key), key.equals("keepalives") ? String.valueOf(!v.equals("0")) : v);
            }
        }
        String tsa = info.get("target_session_attrs");
        if (tsa != null) {
            p.setProperty("targetServerType", switch (tsa) {
                case "read-write", "primary" -> "primary";
                case "read-only", "standby" -> "secondary";
                case "prefer-standby" -> "preferSecondary";
                default -> "any";
            });
        }
        p.putIfAbsent("connectTimeout", DEFAULT_CONNECT_TIMEOUT);
        p.putIfAbsent("ApplicationName", "emperor");
        String user = p.getProperty("user");
        if (user == null) {
            user = System.getProperty("user.name");
            p.setProperty("user", user);
        }
        String db = value(info, env, "dbname");
        if (db == null) {
            db = user; // libpq's default
        }
        return new JdbcTarget("jdbc:postgresql://" + hostList(host, value(info, env, "port")) + "/" + encodePath(db), p);
    }

    private static String value(ConnInfo info, Function<String, String> env, String key) {
        String v = info.get(key);
        if (v == null || v.isEmpty()) {
            String name = ENV.get(key);
            v = name == null ? null : env.apply(name);
        }
        return v == null || v.isEmpty() ? null : v;
    }

    private static String hostList(String hosts, String ports) {
        String[] hs = hosts == null ? new String[] {"localhost"} : hosts.split(",", -1);
        String[] ps = ports == null ? new String[0] : ports.split(",", -1);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < hs.length; i++) {
            String h = hs[i].isEmpty() ? "localhost" : hs[i];
            if (h.startsWith("/") || h.startsWith("@")) {
                throw new IllegalArgumentException("host " + h + " is a UNIX-socket directory, which the JDBC driver"
                        + " cannot reach: give a TCP host (e.g. host=127.0.0.1)");
            }
            String port = ps.length == 0 ? "5432" : ps.length == 1 ? ps[0] : i < ps.length ? ps[i] : "5432";
            if (port.isEmpty()) {
                port = "5432";
            }
            if (!port.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("invalid port number: \"" + port + "\"");
            }
            out.add((h.contains(":") ? "[" + h + "]" : h) + ":" + port);
        }
        return String.join(",", out);
    }

    private static String encodePath(String db) {
        return java.net.URLEncoder.encode(db, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
