package dev.emperor.zmq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emperor.log.Log;
import dev.emperor.testing.Await;
import dev.emperor.testing.ZmqPush;
import java.time.Duration;
import dev.emperor.source.ScanResult;
import dev.emperor.source.VassalNames;
import dev.emperor.source.VassalSource;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** The zmq:// monitor fed by a real ZeroMQ PUSH socket over loopback TCP. */
@Timeout(30)
class ZmqMonitorTest {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Semaphore scans = new Semaphore(0);
    private final Log log = new Log() {
        @Override public void plain(String line) { lines.add(line); }
        @Override public void verbose(String line) { lines.add(line); }
        @Override public void warn(String line) { lines.add(line); }
        @Override public void error(String line) { lines.add(line); }
        @Override public void debug(String line) { }
    };
    private ZmqMonitor monitor;
    private ZContext context;
    private ZMQ.Socket push;
    private String endpoint;

    @BeforeEach
    void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        endpoint = "tcp://127.0.0.1:" + port;
        monitor = new ZmqMonitor("zmq://" + endpoint, new VassalNames(List.of()), null, Path.of("/srv/emperor"), log);
        monitor.wakeUps(scans::release);
        context = new ZContext(1);
        push = ZmqPush.connect(context, endpoint);
    }

    @AfterEach
    void stop() {
        monitor.close();
        context.close();
    }

    private void send(String... parts) {
        ZmqPush.send(push, parts);
    }

    private void awaitScanRequest() throws InterruptedException {
        assertTrue(scans.tryAcquire(10, TimeUnit.SECONDS), () -> "a message asks for a scan; monitor lines: " + lines);
    }

    private void awaitLine(String line) {
        Await.until(Duration.ofSeconds(10), "the line " + line + " (lines so far: " + lines + ")", () -> lines.contains(line));
    }

    @Test
    void touchAddsAndReloadsDestroyRemoves() throws Exception {
        send("touch", "app.ini", "[uwsgi]\nsocket = :4142\n");
        awaitScanRequest();
        ScanResult first = monitor.scan();
        assertTrue(first.ok());
        VassalSource app = first.vassals().get(0);
        assertEquals("app.ini", app.name());
        assertNull(app.path(), "config-shaped: no file");
        assertArrayEquals("[uwsgi]\nsocket = :4142\n".getBytes(StandardCharsets.UTF_8), app.config());
        assertEquals(Path.of("/srv/emperor"), app.cwd(), "runs in the Emperor's directory, as uWSGI");
        assertEquals("zmq://" + endpoint, app.monitor());

        send("touch", "app.ini", "[uwsgi]\nsocket = :4143\n", "1000", "1000", "/run/app.sock");
        awaitScanRequest();
        VassalSource again = monitor.scan().vassals().get(0);
        assertTrue(again.mtimeNanos() > app.mtimeNanos(), "every touch is a newer change marker: a reload");
        assertEquals(1000, again.uid());
        assertEquals("/run/app.sock", again.onDemandSocket());

        send("destroy", "app.ini");
        awaitScanRequest();
        assertEquals(List.of(), monitor.scan().vassals(), "destroyed: absent from a successful scan, so stopped");
    }

    @Test
    void aTouchWithoutConfigNamesAFileInTheEmperorsDirectory() throws Exception {
        send("touch", "site.ini");
        awaitScanRequest();
        VassalSource s = monitor.scan().vassals().get(0);
        assertEquals(Path.of("/srv/emperor/site.ini"), s.path());
        assertNull(s.config());
    }

    @Test
    void uwsgisLinesForWhatItRefuses() throws Exception {
        send("touch");
        awaitLine("[emperor-zeromq] bad message received (command and instance name required)");
        send("explode", "app.ini");
        awaitLine("[emperor-zeromq] unknown command \"explode\"");
        send("destroy", "never.ini");
        awaitLine("[emperor-zeromq] unknown instance \"never.ini\"");
        send("touch", "notes.txt", "[uwsgi]\n");
        awaitScanRequest();
        ScanResult r = monitor.scan();
        assertEquals(List.of(), r.vassals());
        assertNotNull(r.skipped().get(0).reason(), "a name without a vassal extension is skipped with its reason");
    }

    @Test
    void anEndpointThatCannotBeBoundIsAStartUpError() {
        assertThrows(IllegalArgumentException.class,
                () -> new ZmqMonitor("zmq://" + endpoint, new VassalNames(List.of()), null, Path.of("/"), log),
                "the port is taken by the first monitor");
    }

    @Test
    void uwsgiStrNum() {
        assertEquals(1000, ZmqCommand.number("1000".getBytes(StandardCharsets.UTF_8)));
        assertEquals(12, ZmqCommand.number("12abc".getBytes(StandardCharsets.UTF_8)));
        assertEquals(0, ZmqCommand.number("x".getBytes(StandardCharsets.UTF_8)));
    }
}
