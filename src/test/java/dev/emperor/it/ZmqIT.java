package dev.emperor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.emperor.testing.ZmqPush;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * {@code emperor = zmq://tcp://127.0.0.1:PORT}: vassals pushed as ZeroMQ multipart messages
 * (touch NAME CONFIG → spawned from the config, a second touch → reloaded with the new config,
 * destroy → stopped; a touch without config names a file in the Emperor's directory), with real uWSGI
 * vassals. Only the zmq monitor: uWSGI's dir monitor would chdir the Emperor into its directory, where a
 * touch without config would then look for the file. Runs against {@code uwsgi --emperor zmq://...} with its emperor_zeromq plugin too
 * ({@code -Demperor.impl=uwsgi}): the same assertions hold for both.
 */
@Timeout(120)
class ZmqIT {
    private static final Duration UP = Duration.ofSeconds(20);

    private static String config(TempEmperor e, String label, int port) throws IOException {
        Files.createDirectories(e.appsDir());
        Path app = e.appsDir().resolve(label + ".py");
        Vassals.writeAtomically(app, Vassals.app(label));
        return Vassals.python(label, port).render(e.appsDir());
    }

    @Test
    void touchReloadDestroy() throws Exception {
        int zmqPort = Ports.free();
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("zmq").option("plugins", "emperor_zeromq")
                .withoutVassalsDir().add("emperor", "zmq://tcp://127.0.0.1:" + zmqPort).build();
             ZContext context = new ZContext(1)) {
            e.start();
            ZMQ.Socket push = ZmqPush.connect(context, "tcp://127.0.0.1:" + zmqPort);

            ZmqPush.send(push, "touch", "app1.ini", config(e, "app1", port));
            e.awaitAnswer(port, "app1", UP);
            long pid = e.awaitVassal("app1.ini", UP, "accepting", Stats.Vassal::accepting).pid();
            assertFalse(Files.exists(e.vassalsDir().resolve("app1.ini")), "no file: the config came in the message");

            // uWSGI compares whole seconds (ts = uwsgi_now()): a touch within the same second is no change there;
            // ours reloads on every touch
            long second = java.time.Instant.now().getEpochSecond();
            e.await(Duration.ofSeconds(2), "the next wall-clock second", () -> java.time.Instant.now().getEpochSecond() > second);
            ZmqPush.send(push, "touch", "app1.ini", config(e, "app1b", port));
            e.awaitAnswer(port, "app1b", UP);
            assertEquals(pid, e.stats().vassal("app1.ini").orElseThrow().pid(), "a reload keeps the master");

            ZmqPush.send(push, "destroy", "app1.ini");
            e.awaitStats(UP, "app1.ini gone from the stats", s -> s.vassal("app1.ini").isEmpty());
            e.await(UP, "app1's master to exit", () -> !ProcTree.running(pid));

            ZmqPush.send(push, "destroy", "never.ini");
            e.awaitLog("\\[emperor-zeromq\\] unknown instance \"never\\.ini\"", UP);
            ZmqPush.send(push, "touch");
            e.awaitLog("\\[emperor-zeromq\\] bad message received \\(command and instance name required\\)", UP);
        }
    }

    @Test
    void aTouchWithoutConfigStartsTheFileInTheEmperorsDirectory() throws Exception {
        int zmqPort = Ports.free();
        int port = Ports.free();
        try (TempEmperor e = TempEmperor.prepare("zmq-file").option("plugins", "emperor_zeromq")
                .withoutVassalsDir().add("emperor", "zmq://tcp://127.0.0.1:" + zmqPort).build();
             ZContext context = new ZContext(1)) {
            Vassals.writeAtomically(e.root().resolve("site.ini"), config(e, "site", port));
            e.start();
            ZMQ.Socket push = ZmqPush.connect(context, "tcp://127.0.0.1:" + zmqPort);
            ZmqPush.send(push, "touch", "site.ini");
            e.awaitAnswer(port, "site", UP);
        }
    }
}
