package dev.emperor.command;

import dev.emperor.control.EmperorCommands;
import dev.emperor.core.Control;
import dev.emperor.core.EmperorLog;

/**
 * Turns command datagrams into Emperor actions, as uWSGI master's {@code core/emperor.c:
 * emperor_manage_command} and its {@code emperor_command_spawn/respawn/stop/log} do
 * (docs/wire-formats.md, "Command socket"): {@code spawn}, {@code respawn} and {@code stop} become
 * {@link Control.Action#SPAWN}/{@link Control.Action#RESPAWN}/{@link Control.Action#STOP} (the
 * core logs the {@code INFO}/{@code WARNING} lines), {@code log} writes its message to the Emperor
 * log; unknown commands are ignored (a debug line here), nothing is ever answered.
 * <p>
 * Runs on the command thread and never waits: {@link EmperorCommands} only enqueues work for the loop;
 * "unable to find vassal" is logged when the loop's answer comes back.
 * <p>
 * Fixed uWSGI BUG: a 1–3 byte datagram makes master parse {@code len - 4} as a huge
 * {@code size_t} and read out of bounds; here it is dropped with one log line.
 */
public final class CommandDispatcher {

    private final EmperorCommands commands;
    private final EmperorLog log;

    public CommandDispatcher(EmperorCommands commands, EmperorLog log) {
        this.commands = commands;
        this.log = log;
    }

    /** Handles the first {@code len} bytes of {@code buf}, one received datagram. */
    public void handle(byte[] buf, int len) {
        if (len <= 0) {
            return; // emperor_manage_command: "if (len <= 0) return;"
        }
        if (len < CommandDatagram.HEADER) {
            log.warn("[uwsgi-emperor] ignoring a command datagram of " + len
                    + " bytes: shorter than the 4-byte uwsgi header");
            return;
        }
        dispatch(CommandDatagram.parse(buf, len));
    }

    /** Acts on one parsed datagram. */
    public void dispatch(CommandDatagram d) {
        if (d.malformed() != null) {
            log.debug("[uwsgi-emperor] command datagram: " + d.malformed() + " (the vars before it are used, as uWSGI does)");
        }
        switch (d.cmd()) {
            case "" -> { } // "if (ec.cmd_len == 0) return;"
            case "spawn" -> vassalCommand("spawn", Control.Action.SPAWN, d);
            case "respawn" -> vassalCommand("respawn", Control.Action.RESPAWN, d);
            case "stop" -> vassalCommand("stop", Control.Action.STOP, d);
            case "upgrade" -> commands.upgrade().whenComplete((refusal, failure) -> {
                if (failure != null || refusal != null) {
                    log.error("[uwsgi-emperor] the \"upgrade\" command failed: " + (failure != null ? failure : refusal));
                }
            });
            case "log" -> {
                if (d.msg().isEmpty()) {
                    log.plain("[uwsgi-emperor] ERROR: the \"log\" command requires a message");
                } else {
                    commands.logMessage(d.logText());
                }
            }
            default -> log.debug("[uwsgi-emperor] unknown command \"" + d.cmd() + "\" ignored");
        }
    }

    /** {@code emperor_command_spawn/respawn/stop}: the name check here, the rest on the loop. */
    private void vassalCommand(String word, Control.Action action, CommandDatagram d) {
        if (d.vassal().isEmpty()) {
            log.plain("[uwsgi-emperor] ERROR: the \"" + word + "\" command requires a vassal name");
            return;
        }
        String name = d.vassalName();
        commands.control(name, action).whenComplete((result, failure) -> {
            if (failure != null) {
                log.about(name, -1, "command").error("[uwsgi-emperor] the \"" + word + "\" command for \"" + name + "\" failed: " + failure);
            } else if (result.notFound()) {
                log.about(name, -1, "command").plain("[uwsgi-emperor] ERROR: unable to find vassal \"" + name + "\"");
            } else if (!result.ok()) {
                log.about(name, -1, "command").debug("[uwsgi-emperor] " + word + " \"" + name + "\": " + result.message());
            }
        });
    }
}
