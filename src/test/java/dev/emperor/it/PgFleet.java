package dev.emperor.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Glue for the pg:// tests: an Emperor whose {@code emperor} is a pg:// monitor of a {@link TempPostgres}
 * (the default dir monitor stays beside it), and vassal configs that live only in rows (the WSGI app is a file
 * in the apps dir, the config is not on disk). uWSGI needs its {@code emperor_pg} plugin
 * ({@code uwsgi-plugin-emperor-pg}); our daemon ignores {@code plugins}, as every generic uWSGI option.
 */
final class PgFleet {
    /** The default query of emperor_pg. */
    static final String DEFAULT_QUERY = "SELECT name,config,EXTRACT(epoch FROM ts) FROM vassals";

    private PgFleet() {
    }

    /** An Emperor on {@code pg} with {@code query} (null: the default), not started. */
    static TempEmperor.Builder emperor(String name, TempPostgres pg, String query) {
        return TempEmperor.prepare(name)
                .option("plugins", "emperor_pg")
                .add("emperor", "pg://" + pg.conninfo() + (query == null ? "" : ";" + query));
    }

    /**
     * The ini text of a python vassal answering "hello LABEL" on {@code port}; its app file is written now.
     * {@code print} makes uWSGI write {@link #marker} while it parses the config it got from the config pipe:
     * the first sign of life of that vassal in the Emperor's output.
     */
    static String config(TempEmperor e, String label, int port) throws IOException {
        Files.createDirectories(e.appsDir());
        Path app = e.appsDir().resolve(label + ".py");
        if (!Files.exists(app)) {
            Vassals.writeAtomically(app, Vassals.app(label));
        }
        return Vassals.python(label, port).option("print", marker(label)).render(e.appsDir());
    }

    static String marker(String label) {
        return "pg-vassal-up-" + label;
    }

    static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** INSERT of a row with ts = now(). */
    static String insert(String name, String config) {
        return "INSERT INTO vassals(name, config) VALUES (" + quote(name) + ", " + quote(config) + ")";
    }

    static String insertFor(String host, String name, String config) {
        return "INSERT INTO vassals(name, config, host) VALUES (" + quote(name) + ", " + quote(config) + ", " + quote(host) + ")";
    }

    /** Time for one uWSGI python vassal to come up plus a few polls. */
    static final Duration UP = Duration.ofSeconds(20);
}
