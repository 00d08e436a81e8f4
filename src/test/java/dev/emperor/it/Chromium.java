package dev.emperor.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium (Debian's {@code chromium}, installed by {@code .ci/run}) driven through the Chrome DevTools
 * Protocol over one WebSocket ({@code java.net.http.WebSocket}; no WebDriver, no npm). Chromium is started with
 * {@code --remote-debugging-port=0} and a fresh {@code --user-data-dir}; the port and the browser endpoint are read
 * from the {@code DevToolsActivePort} file it writes there. Pages are targets attached in flattened mode, so every
 * command travels on the browser socket with its {@code sessionId}.
 * <pre>
 * try (Chromium browser = Chromium.launch("my-test")) {
 *     Chromium.Page page = browser.newPage(1200, 700);
 *     page.navigate("http://127.0.0.1:9191/ui");
 *     Object title = page.eval("document.title");
 *     page.click("button[data-action='restart']");
 *     page.screenshot(Path.of("target/page.png"));
 * }
 * </pre>
 * The browser's own output goes to {@code target/it-logs/chromium-NAME.log}. {@link #close()} asks the browser to
 * close, then kills by pid what is left of the process it started (and its descendants), and deletes the profile.
 */
public final class Chromium implements AutoCloseable {

    /** Flags known to work headless, as root, on a machine without network beyond loopback. */
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars", "--mute-audio", "--window-size=1280,800");
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final Path profile;
    private final Path logFile;
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Json.Obj>> pending = new ConcurrentHashMap<>();
    private final List<Page> pages = new ArrayList<>();

    private Chromium(Process process, Path profile, Path logFile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.logFile = logFile;
        this.socket = socket;
    }

    /**
     * The Chromium executable: {@code -Dchromium.bin} / {@code CHROMIUM_BIN}, else {@code chromium} (Debian),
     * {@code chromium-browser} or {@code google-chrome} on the PATH.
     */
    public static Optional<Path> binary() {
        String configured = Impl.setting("chromium.bin", "CHROMIUM_BIN", "");
        if (!configured.isEmpty()) return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : path.split(":")) {
                if (dir.isEmpty()) continue;
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The executable; when there is none the test is skipped, except in CI ({@code CI=true}), where it fails. */
    public static Path requireBinary() {
        Optional<Path> bin = binary();
        if (bin.isEmpty()) {
            String why = "no chromium executable (Debian package 'chromium', which .ci/run installs; or -Dchromium.bin)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) Assertions.fail(why);
            Assumptions.abort(why);
        }
        return bin.get();
    }

    /** Starts a headless browser; {@code name} names its log file. */
    public static Chromium launch(String name) throws IOException {
        Path bin = requireBinary();
        Path profile = Files.createTempDirectory("emperor-chromium-");
        Path logDir = Path.of(Impl.setting("it.logdir", "IT_LOGDIR", "target/it-logs"));
        Files.createDirectories(logDir);
        Path logFile = logDir.resolve("chromium-" + name + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(bin.toString());
        cmd.addAll(FLAGS);
        cmd.add("--user-data-dir=" + profile);
        cmd.add("--remote-debugging-port=0");
        cmd.add("about:blank");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile())).start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            List<String> lines = Poll.value(Duration.ofSeconds(30), "chromium to write " + portFile, () -> {
                if (!p.isAlive()) {
                    throw new Poll.Abort("chromium exited with status " + p.exitValue() + "; its log: " + logFile);
                }
                if (!Files.isRegularFile(portFile)) return Optional.empty();
                List<String> l = Files.readAllLines(portFile, StandardCharsets.UTF_8);
                return l.size() >= 2 && !l.get(1).isBlank() ? Optional.of(l) : Optional.empty();
            });
            URI endpoint = URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
            Chromium[] self = new Chromium[1];
            Listener listener = new Listener(msg -> {
                if (self[0] != null) self[0].dispatch(msg);
            }, why -> {
                if (self[0] != null) self[0].failAll(why);
            });
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(endpoint, listener)
                    .get(15, TimeUnit.SECONDS);
            self[0] = new Chromium(p, profile, logFile, ws);
            return self[0];
        } catch (ExecutionException | TimeoutException | RuntimeException | Error e) {
            kill(p);
            TempEmperor.deleteTree(profile);
            throw new IOException("cannot start chromium (log: " + logFile + "): " + e, e);
        } catch (InterruptedException e) {
            kill(p);
            TempEmperor.deleteTree(profile);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting chromium", e);
        }
    }

    /** Opens a new tab of {@code width} x {@code height} CSS pixels and attaches to it. */
    public Page newPage(int width, int height) throws IOException {
        String targetId = call(null, "Target.createTarget", "{\"url\":\"about:blank\"}").str("targetId");
        String session = call(null, "Target.attachToTarget",
                "{\"targetId\":" + quote(targetId) + ",\"flatten\":true}").str("sessionId");
        Page page = new Page(session);
        page.size(width, height);
        call(session, "Page.enable", "{}");
        call(session, "Runtime.enable", "{}");
        pages.add(page);
        return page;
    }

    /** One tab. */
    public final class Page {
        private final String session;

        private Page(String session) {
            this.session = session;
        }

        /** Sets the viewport to {@code width} x {@code height} CSS pixels (scale 1). */
        public void size(int width, int height) throws IOException {
            call(session, "Emulation.setDeviceMetricsOverride", "{\"width\":" + width + ",\"height\":" + height
                    + ",\"deviceScaleFactor\":1,\"mobile\":false}");
        }

        /**
         * Navigates and waits until the document has loaded. One retry on {@code ERR_INVALID_HTTP_RESPONSE}: the
         * stats address answers uWSGI's raw JSON to a connection that stays silent for the sniff window (300 ms),
         * and Chromium may send a request on a socket it connected earlier (a spare or preconnected one), which
         * then reads that raw document; seen under heavy CPU load.
         */
        public void navigate(String url) throws IOException {
            Json.Obj r = call(session, "Page.navigate", "{\"url\":" + quote(url) + "}");
            if (r.has("errorText") && r.str("errorText").equals("net::ERR_INVALID_HTTP_RESPONSE")) {
                System.err.println("[it-harness] chromium: " + url + ": ERR_INVALID_HTTP_RESPONSE, once more");
                r = call(session, "Page.navigate", "{\"url\":" + quote(url) + "}");
            }
            if (r.has("errorText")) throw new IOException("navigation to " + url + " failed: " + r.str("errorText"));
            Poll.until(Duration.ofSeconds(15), "page " + url + " loaded",
                    () -> "complete".equals(eval("document.readyState")));
        }

        /**
         * Evaluates {@code expression} in the page (promises are awaited) and returns its value by value: a
         * String, Number, Boolean, {@link Json.Obj}, List or {@link Json#NULL}; null for {@code undefined}.
         * A JS exception becomes an IOException.
         */
        public Object eval(String expression) throws IOException {
            Json.Obj r = call(session, "Runtime.evaluate", "{\"expression\":" + quote(expression)
                    + ",\"returnByValue\":true,\"awaitPromise\":true}");
            if (r.has("exceptionDetails")) {
                throw new IOException("JS exception in '" + expression + "': " + r.get("exceptionDetails"));
            }
            Json.Obj result = (Json.Obj) r.get("result");
            return result.has("value") ? result.get("value") : null;
        }

        /** Evaluates an expression whose value is {@code JSON.stringify(...)} and parses that JSON. */
        public Object evalJson(String expression) throws IOException {
            Object v = eval("JSON.stringify(" + expression + ")");
            if (!(v instanceof String)) throw new IOException("not a JSON string: " + v + " from " + expression);
            return Json.parse((String) v);
        }

        /**
         * Clicks the element matching {@code selector} as a user would: scrolls it into view, then a left mouse
         * press and release at its centre (so a hidden, covered or disabled element does not get the click).
         */
        public void click(String selector) throws IOException {
            Object box = evalJson("(() => { const e = document.querySelector(" + quote(selector) + ");"
                    + " if (!e) return null; e.scrollIntoView({block: 'center'});"
                    + " const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()");
            if (!(box instanceof List<?> xy)) throw new IOException("no element matches " + selector);
            String at = ",\"x\":" + xy.get(0) + ",\"y\":" + xy.get(1);
            call(session, "Input.dispatchMouseEvent", "{\"type\":\"mouseMoved\"" + at + "}");
            call(session, "Input.dispatchMouseEvent",
                    "{\"type\":\"mousePressed\",\"button\":\"left\",\"clickCount\":1" + at + "}");
            call(session, "Input.dispatchMouseEvent",
                    "{\"type\":\"mouseReleased\",\"button\":\"left\",\"clickCount\":1" + at + "}");
        }

        /** A PNG of the whole page at {@code width} CSS pixels (the height follows the content). */
        public byte[] screenshot(int width) throws IOException {
            Object h = eval("Math.ceil(document.documentElement.getBoundingClientRect().height)");
            int height = Math.max(200, ((Number) h).intValue());
            size(width, height);
            Json.Obj r = call(session, "Page.captureScreenshot", "{\"format\":\"png\"}");
            return Base64.getDecoder().decode(r.str("data"));
        }

        /** Writes {@link #screenshot(int)} to {@code file}; returns it. */
        public Path screenshot(int width, Path file) throws IOException {
            byte[] png = screenshot(width);
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            Files.write(file, png);
            return file;
        }
    }

    // ---------------------------------------------------------------- the protocol

    /** Sends one command (browser-level when {@code session} is null) and returns its {@code result}. */
    public Json.Obj call(String session, String method, String paramsJson) throws IOException {
        long id = ids.incrementAndGet();
        CompletableFuture<Json.Obj> answer = new CompletableFuture<>();
        pending.put(id, answer);
        String msg = "{\"id\":" + id + (session == null ? "" : ",\"sessionId\":" + quote(session))
                + ",\"method\":" + quote(method) + ",\"params\":" + paramsJson + "}";
        try {
            socket.sendText(msg, true).get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Json.Obj reply = answer.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (reply.has("error")) throw new IOException(method + " failed: " + reply.get("error"));
            Object result = reply.get("result");
            return result instanceof Json.Obj o ? o : new Json.Obj();
        } catch (ExecutionException e) {
            throw new IOException(method + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException(method + ": no answer from chromium within " + COMMAND_TIMEOUT.toSeconds()
                    + " s (log: " + logFile + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(method + ": interrupted", e);
        } finally {
            pending.remove(id);
        }
    }

    private void dispatch(String text) {
        Json.Obj msg;
        try {
            msg = Json.parseObject(text);
        } catch (IOException e) {
            return; // not ours to judge: CDP only sends objects
        }
        if (msg.get("id") instanceof Number n) {
            CompletableFuture<Json.Obj> f = pending.get(n.longValue());
            if (f != null) f.complete(msg);
        }
        // events (no id) are not used
    }

    private void failAll(Throwable why) {
        pending.values().forEach(f -> f.completeExceptionally(why));
    }

    /** JSON string literal. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /** Reassembles fragmented text messages; a broken socket fails every pending command at once. */
    private static final class Listener implements WebSocket.Listener {
        private final Consumer<String> messages;
        private final Consumer<Throwable> failures;
        private final StringBuilder partial = new StringBuilder();

        Listener(Consumer<String> messages, Consumer<Throwable> failures) {
            this.messages = messages;
            this.failures = failures;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String msg = partial.toString();
                partial.setLength(0);
                messages.accept(msg);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            failures.accept(new IOException("chromium closed the DevTools socket: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            failures.accept(error);
        }
    }

    // ---------------------------------------------------------------- shutdown

    /** Browser.close, then the process and its descendants by pid, then the profile dir. */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        try {
            try {
                socket.sendText("{\"id\":" + ids.incrementAndGet() + ",\"method\":\"Browser.close\",\"params\":{}}", true)
                        .get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException | InterruptedException | RuntimeException e) {
                // killed below
            }
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            kill(process);
            socket.abort();
        } finally {
            TempEmperor.deleteTree(profile);
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private static void kill(Process p) {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        for (ProcessHandle h : tree) h.destroyForcibly();
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                System.err.println("[it-harness] chromium process " + h.pid() + " still there after SIGKILL");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
