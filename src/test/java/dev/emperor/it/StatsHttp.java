package dev.emperor.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HTTP on an Emperor's stats port for the control and observability ITs: any method and path over a raw
 * socket (one connection per request, read to EOF), the {@code curl} program, {@code emperor ctl} run from
 * the jar, and a reader of the Prometheus samples for value checks (validity is promtool's job).
 */
final class StatsHttp {

    private StatsHttp() {
    }

    /** {@code METHOD PATH HTTP/1.1} with Host and any extra header lines ("Name: value"). */
    static Http.Response request(int port, String method, String path, String... headerLines) throws IOException {
        StringBuilder req = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n");
        for (String h : headerLines) req.append(h).append("\r\n");
        if (method.equals("POST")) req.append("Content-Length: 0\r\n");
        req.append("Connection: close\r\n\r\n");
        return raw(port, req.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    static Http.Response get(int port, String path) throws IOException {
        return request(port, "GET", path);
    }

    static Http.Response post(int port, String path) throws IOException {
        return request(port, "POST", path);
    }

    /** Sends {@code bytes} verbatim and parses the answer read to EOF. */
    static Http.Response raw(int port, byte[] bytes) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            return Http.parse(readToEof(s.getInputStream()));
        }
    }

    static String readToEof(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        for (int n; (n = in.read(b)) > 0; ) buf.write(b, 0, n);
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** {@code name{labels}} → value text of every sample line. */
    static Map<String, String> samples(String metrics) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : metrics.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            int sp = line.lastIndexOf(' ');
            m.put(line.substring(0, sp), line.substring(sp + 1));
        }
        return m;
    }

    /** The value of one sample as a double; fails when absent. */
    static double value(Map<String, String> samples, String key) {
        String v = samples.get(key);
        if (v == null) throw new AssertionError("no sample " + key + " in " + samples.keySet());
        return Double.parseDouble(v);
    }

    /** A finished program: exit status, stdout, stderr. */
    record Run(int status, String out, String err, long millis) {
        @Override
        public String toString() {
            return "exit " + status + " in " + millis + " ms\n--- stdout:\n" + out + "--- stderr:\n" + err;
        }
    }

    /** Runs {@code curl ARGS} (curl is installed by .ci/run). */
    static Run curl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Files.isExecutable(Path.of("/usr/bin/curl")) ? "/usr/bin/curl" : "curl");
        cmd.add("--max-time");
        cmd.add("10");
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** Runs {@code java -jar emperor.jar ctl ARGS}. */
    static Run ctl(String... args) throws IOException, InterruptedException {
        return java(List.of(), prepend("ctl", args));
    }

    /** Runs {@code java JVM_OPTIONS -jar emperor.jar ARGS}. */
    static Run java(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    static Path jar() {
        Path jar = Path.of(Impl.setting("emperor.jar", "EMPEROR_JAR", "target/emperor.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) throw new IllegalStateException("emperor jar not found: " + jar);
        return jar;
    }

    private static String[] prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static Run run(List<String> cmd) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // the process is gone
            }
        });
        errReader.start();
        String out = readToEof(p.getInputStream());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish within 60 s: " + cmd);
        }
        errReader.join(5000);
        return new Run(p.exitValue(), out, err.toString(StandardCharsets.UTF_8), (System.nanoTime() - start) / 1_000_000);
    }
}
