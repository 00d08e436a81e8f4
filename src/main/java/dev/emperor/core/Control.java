package dev.emperor.core;

import java.util.Locale;

/**
 * Operator commands on one vassal, from the command socket (uWSGI master
 * {@code emperor_manage_command}: {@code spawn}, {@code respawn}, {@code stop}) and from HTTP
 * control / {@code emperor ctl} ({@code restart}, {@code stop}, {@code start},
 * {@code reset-throttle}). Runs on the loop thread; every verb says in its result what it did.
 */
public final class Control {

    public enum Action {
        /** Command socket {@code spawn}: start a suspended vassal. */
        SPAWN,
        /** Command socket {@code respawn}: byte 1 (reload), as SIGHUP does for all. */
        RESPAWN,
        /** Command socket {@code stop}: uWSGI's {@code emperor_stop}; a dir/glob scan re-adds the vassal later. */
        STOP,
        /** HTTP/ctl restart: reload a running vassal; start a throttled, exiled or suspended one now. */
        RESTART,
        /** HTTP/ctl stop: stop it and keep it stopped (SUSPENDED) until {@link #START}. */
        HALT,
        /** HTTP/ctl start: start a suspended, throttled or exiled vassal now. */
        START,
        /** HTTP/ctl reset-throttle: drop its blacklist entry; a throttled vassal starts now. */
        RESET_THROTTLE;

        /** The HTTP/ctl verb ({@code reset-throttle}) or command-socket word. */
        public static Action ofVerb(String verb) {
            return switch (verb) {
                case "restart" -> RESTART;
                case "stop" -> HALT;
                case "start" -> START;
                case "reset-throttle" -> RESET_THROTTLE;
                default -> null;
            };
        }

        public String verb() {
            return this == HALT ? "stop" : name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** What came of a command: ok, or why not ({@code notFound}: no such vassal). */
    public record Result(boolean ok, boolean notFound, String message, VassalView vassal) {
    }

    private final Lifecycle lifecycle;
    private final Blacklist blacklist;
    private final EmperorLog log;

    Control(Lifecycle lifecycle, Blacklist blacklist, EmperorLog log) {
        this.lifecycle = lifecycle;
        this.blacklist = blacklist;
        this.log = log;
    }

    /** As {@link #apply(Action, Vassal, long, long)} with one clock for both (tests). */
    String apply(Action action, Vassal v, long now) {
        return apply(action, v, now, now);
    }

    /** Applies {@code action}; returns a message (null = done). {@code now}: monotonic, {@code wallNowMs}: last_mod. */
    String apply(Action action, Vassal v, long now, long wallNowMs) {
        VassalState s = v.state;
        switch (action) {
            case SPAWN -> {
                if (s == VassalState.REFUSED) {
                    return "refused by emperor-tyrant: it starts once its config file is acceptable";
                }
                if (s != VassalState.SUSPENDED) {
                    log.about(v, "command").plain("[uwsgi-emperor] WARNING: the vassal \"" + v.name + "\" is already active");
                    return "already active (" + s.label() + ")";
                }
                log.about(v, "command").plain("[uwsgi-emperor] INFO: requested the spawn of vassal \"" + v.name + "\"");
                lifecycle.start(v, now);
            }
            case RESPAWN -> {
                log.about(v, "command").plain("[uwsgi-emperor] INFO: requested the respawn of vassal \"" + v.name + "\"");
                if (s != VassalState.RUNNING) {
                    return "not running (" + s.label() + ")";
                }
                lifecycle.reload(v, Math.max(wallNowMs * 1_000_000L, v.lastModNanos), now);
            }
            case STOP, HALT -> {
                if (action == Action.STOP) {
                    log.about(v, "command").plain("[uwsgi-emperor] INFO: requested the stop of vassal \"" + v.name + "\"");
                }
                if (s == VassalState.RUNNING) {
                    lifecycle.stop(v, action == Action.STOP ? StopReason.COMMAND : StopReason.OPERATOR, now);
                } else if (action == Action.HALT && (s == VassalState.THROTTLED || s == VassalState.EXILED
                        || s == VassalState.WAITING_FOR_BASE || s == VassalState.ON_DEMAND)) {
                    lifecycle.park(v);
                } else if (s != VassalState.SUSPENDED) {
                    return "cannot stop a vassal that is " + s.label();
                }
            }
            case RESTART, START -> {
                if (s == VassalState.RUNNING) {
                    if (action == Action.START) {
                        return null; // already running: nothing to do
                    }
                    lifecycle.reload(v, Math.max(wallNowMs * 1_000_000L, v.lastModNanos), now);
                } else if (s == VassalState.SUSPENDED || s == VassalState.THROTTLED || s == VassalState.EXILED) {
                    blacklist.remove(v.name);
                    v.newRecord(now);
                    lifecycle.start(v, now); // an on-demand vassal goes back to waiting on its socket
                } else {
                    return "cannot " + action.verb() + " a vassal that is " + s.label();
                }
            }
            case RESET_THROTTLE -> {
                blacklist.remove(v.name);
                if (s == VassalState.THROTTLED) {
                    v.spawnAt = now;
                    lifecycle.tick(v, now);
                }
            }
        }
        return null;
    }
}
