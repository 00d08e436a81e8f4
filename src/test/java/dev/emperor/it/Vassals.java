package dev.emperor.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Vassal configs for real uWSGI python3 vassals. {@code Vassals.python("app1", port)} describes {@code app1.ini}:
 * <pre>
 * [uwsgi]
 * plugins = python3
 * http-socket = 127.0.0.1:PORT
 * wsgi-file = /abs/apps/app1.py      (or app1.py, relative to the vassals dir, with relativeApp())
 * processes = 1
 * </pre>
 * whose 3-line WSGI app answers {@code hello app1} with the serving worker's pid in {@code X-Worker-Pid}
 * ({@code master} is implied: uWSGI forces it on under an Emperor). Files are written atomically (temp file
 * with a non-vassal name, then rename), as deploy tools do, so an Emperor reacting within milliseconds never
 * sees half a file.
 */
public final class Vassals {

    private Vassals() {
    }

    /** A python3 vassal answering "hello LABEL" on {@code port}; file name LABEL.ini. */
    public static Spec python(String label, int port) {
        Spec s = new Spec(label, label + ".ini");
        s.option("plugins", "python3");
        s.option("http-socket", "127.0.0.1:" + port);
        s.option("wsgi-file", Spec.APP_PLACEHOLDER);
        s.option("processes", "1");
        return s;
    }

    /** {@link #python(String, int)} plus extra options given as {@code "key = value"} lines. */
    public static Spec python(String label, int port, String... extraLines) {
        Spec s = python(label, port);
        for (String line : extraLines) {
            int eq = line.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("not 'key = value': " + line);
            s.option(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        return s;
    }

    /** A vassal that makes uWSGI exit at once (code 22): a missing wsgi-file with {@code need-app}. */
    public static Spec exitsAtOnce(String label, int port) {
        Spec s = new Spec(label, label + ".ini");
        s.option("plugins", "python3");
        s.option("http-socket", "127.0.0.1:" + port);
        s.option("wsgi-file", "/nonexistent/emperor-it/" + label + ".py");
        s.option("need-app", "true");
        s.option("processes", "1");
        return s;
    }

    /** The WSGI app answering "hello LABEL". */
    public static String app(String label) {
        return "import os\n"
                + "def application(env, start_response):\n"
                + "    start_response('200 OK', [('Content-Type', 'text/plain'), ('X-Worker-Pid', str(os.getpid()))])\n"
                + "    return ['hello " + label.replace("\\", "\\\\").replace("'", "\\'") + "'.encode('utf-8')]\n";
    }

    /** Writes {@code content} to {@code target} atomically (same-dir temp file with a non-vassal name + rename). */
    public static Path writeAtomically(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(".tmp-" + System.nanoTime() + ".part");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        return Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A vassal description; options keep insertion order, {@link #option} replaces a key in place. */
    public static final class Spec {
        static final String APP_PLACEHOLDER = "\u0000app";
        private final String label;
        private String fileName;
        private final Map<String, String> options = new LinkedHashMap<>();
        private boolean relativeApp;

        Spec(String label, String fileName) {
            this.label = label;
            this.fileName = fileName;
        }

        public String label() {
            return label;
        }

        /** The vassal file name (the vassal's id in the stats). */
        public String fileName() {
            return fileName;
        }

        public Spec fileName(String name) {
            this.fileName = name;
            return this;
        }

        /** Sets (or replaces) an option. */
        public Spec option(String key, String value) {
            options.put(key, value);
            return this;
        }

        /** Puts the app next to the config and names it relatively (checks the vassal's cwd is the dir). */
        public Spec relativeApp() {
            this.relativeApp = true;
            return this;
        }

        /** The ini text, the app living in {@code appsDir} (or relative). */
        public String render(Path appsDir) {
            StringBuilder b = new StringBuilder("[uwsgi]\n");
            for (Map.Entry<String, String> e : options.entrySet()) {
                String v = e.getValue();
                if (v.equals(APP_PLACEHOLDER)) v = relativeApp ? label + ".py" : appsDir.resolve(label + ".py").toString();
                b.append(e.getKey()).append(" = ").append(v).append('\n');
            }
            return b.toString();
        }

        /** Writes app and config into the emperor's dirs; returns the config path. */
        public Path writeTo(TempEmperor e) throws IOException {
            return writeTo(e.vassalsDir(), e.appsDir());
        }

        /** Writes the app (first) and then the config, atomically; returns the config path. */
        public Path writeTo(Path vassalsDir, Path appsDir) throws IOException {
            if (options.containsValue(APP_PLACEHOLDER)) {
                Path appDir = relativeApp ? vassalsDir : appsDir;
                Files.createDirectories(appDir);
                writeAtomically(appDir.resolve(label + ".py"), app(label));
            }
            return writeAtomically(vassalsDir.resolve(fileName), render(appsDir));
        }
    }
}
