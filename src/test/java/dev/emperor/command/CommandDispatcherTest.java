package dev.emperor.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.emperor.core.Control;
import dev.emperor.core.EmperorLog;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** emperor_manage_command's dispatch and log lines (spec/emperor-protocol.md §1e), against a fake loop. */
@Timeout(10)
class CommandDispatcherTest {

    private final FakeCommands target = new FakeCommands();
    private LogCapture logs;
    private CommandDispatcher dispatcher;

    @BeforeEach
    void setUp() {
        logs = new LogCapture();
        dispatcher = new CommandDispatcher(target, EmperorLog.standard());
    }

    @AfterEach
    void tearDown() {
        logs.close();
    }

    private void send(byte[] datagram) {
        dispatcher.handle(datagram, datagram.length);
    }

    @Test
    void spawnRespawnStopBecomeControlActions() throws Exception {
        send(Datagrams.of("cmd", "spawn", "vassal", "a.ini"));
        send(Datagrams.of("command", "respawn", "vassal", "b.ini"));
        send(Datagrams.of("vassal", "c.ini", "cmd", "stop"));
        assertEquals(new FakeCommands.Call("a.ini", Control.Action.SPAWN), target.nextCall());
        assertEquals(new FakeCommands.Call("b.ini", Control.Action.RESPAWN), target.nextCall());
        assertEquals(new FakeCommands.Call("c.ini", Control.Action.STOP), target.nextCall());
        assertEquals(List.of(), logs.lines(Level.INFO), "the INFO lines are the core's (Control), not ours");
    }

    @Test
    void upgradeAsksForTheInPlaceUpgradeAndLogsARefusal() {
        send(Datagrams.of("cmd", "upgrade"));
        assertEquals(1, target.upgrades.get());
        assertEquals(List.of(), logs.lines(Level.ERROR));
        target.upgradeRefusal = "the Emperor is shutting down";
        send(Datagrams.of("cmd", "upgrade"));
        assertEquals(2, target.upgrades.get());
        assertEquals(List.of("[uwsgi-emperor] the \"upgrade\" command failed: the Emperor is shutting down"),
                logs.lines(Level.ERROR));
    }

    @Test
    void missingVassalNameIsUwsgisError() {
        send(Datagrams.of("cmd", "spawn"));
        send(Datagrams.of("cmd", "respawn", "vassal", ""));
        send(Datagrams.of("cmd", "stop", "msg", "x"));
        assertEquals(List.of(
                "[uwsgi-emperor] ERROR: the \"spawn\" command requires a vassal name",
                "[uwsgi-emperor] ERROR: the \"respawn\" command requires a vassal name",
                "[uwsgi-emperor] ERROR: the \"stop\" command requires a vassal name"), logs.lines(Level.INFO));
        assertTrue(target.calls.isEmpty());
    }

    @Test
    void unknownVassalIsLoggedWhenTheLoopAnswers() throws Exception {
        CompletableFuture<Control.Result> pending = new CompletableFuture<>();
        target.answer = c -> pending;
        send(Datagrams.of("cmd", "spawn", "vassal", "nope.ini"));
        target.nextCall();
        assertEquals(List.of(), logs.lines(Level.INFO), "the dispatcher does not wait for the loop");
        pending.complete(new Control.Result(false, true, "no vassal named nope.ini", null));
        assertEquals(List.of("[uwsgi-emperor] ERROR: unable to find vassal \"nope.ini\""), logs.lines(Level.INFO));
    }

    @Test
    void refusalIsOnlyADebugLine() throws Exception {
        target.answer = c -> CompletableFuture.completedFuture(new Control.Result(false, false, "not running (suspended)", null));
        send(Datagrams.of("cmd", "respawn", "vassal", "a.ini"));
        target.nextCall();
        assertEquals(List.of(), logs.lines(Level.INFO));
        assertEquals(List.of("[uwsgi-emperor] respawn \"a.ini\": not running (suspended)"), logs.lines(Level.DEBUG));
    }

    @Test
    void logWritesTheMessageOrUwsgisError() throws Exception {
        send(Datagrams.of("cmd", "log", "msg", "deploy 42 done"));
        assertEquals("deploy 42 done", target.nextMessage());
        send(Datagrams.of("cmd", "log"));
        send(Datagrams.of("cmd", "log", "msg", ""));
        assertEquals(List.of(
                "[uwsgi-emperor] ERROR: the \"log\" command requires a message",
                "[uwsgi-emperor] ERROR: the \"log\" command requires a message"), logs.lines(Level.INFO));
        send(Datagrams.of("cmd", "log", "msg", "up to\u0000here"));
        assertEquals("up to", target.nextMessage());
    }

    @Test
    void vassalNameStopsAtNul() throws Exception {
        send(Datagrams.of("cmd", "stop", "vassal", "a.ini\u0000b.ini"));
        assertEquals(new FakeCommands.Call("a.ini", Control.Action.STOP), target.nextCall());
    }

    @Test
    void unknownOrEmptyCommandsAreSilentlyIgnored() {
        send(Datagrams.of("cmd", "reload", "vassal", "a.ini"));
        send(Datagrams.of("cmd", "SPAWN", "vassal", "a.ini"));
        send(Datagrams.of("cmd", "", "vassal", "a.ini"));
        send(Datagrams.of("vassal", "a.ini"));
        send(new byte[4]);
        assertTrue(target.calls.isEmpty());
        assertTrue(target.messages.isEmpty());
        assertEquals(List.of(), logs.lines(Level.INFO));
        assertEquals(List.of(), logs.lines(Level.WARN));
    }

    @Test
    void shortDatagramsAreDroppedWithOneLine() {
        for (int n = 1; n < 4; n++) dispatcher.handle(new byte[] {'s', 't', 'o', 'p'}, n);
        dispatcher.handle(new byte[0], 0);
        assertEquals(List.of(
                "[uwsgi-emperor] ignoring a command datagram of 1 bytes: shorter than the 4-byte uwsgi header",
                "[uwsgi-emperor] ignoring a command datagram of 2 bytes: shorter than the 4-byte uwsgi header",
                "[uwsgi-emperor] ignoring a command datagram of 3 bytes: shorter than the 4-byte uwsgi header"),
                logs.lines(Level.WARN));
        assertTrue(target.calls.isEmpty());
    }

    @Test
    void garbageAfterACompleteCommandStillRunsIt() throws Exception {
        byte[] b = Datagrams.concat(Datagrams.of("cmd", "spawn", "vassal", "a.ini"), new byte[] {(byte) 0xff, (byte) 0xff, 1});
        send(b);
        assertEquals(new FakeCommands.Call("a.ini", Control.Action.SPAWN), target.nextCall());
        assertEquals(1, logs.lines(Level.DEBUG).size(), "one debug line about the garbage: " + logs.lines());
    }

    @Test
    void failedFutureIsLoggedNotThrown() throws Exception {
        target.answer = c -> CompletableFuture.failedFuture(new IllegalStateException("boom"));
        send(Datagrams.of("cmd", "stop", "vassal", "a.ini"));
        target.nextCall();
        assertEquals(1, logs.lines(Level.ERROR).size());
    }
}
