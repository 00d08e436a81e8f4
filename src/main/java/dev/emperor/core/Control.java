package dev.emperor.core;

import java.util.Locale;

/**
 * Operator commands on one vassal, from the command socket (uWSGI master
 * {@code emperor_manage_command}: {@code spawn}, {@code respawn}, {@code stop}) and from HTTP
 * control / {@code emperor ctl} ({@code restart}, {@code stop}, {@code start},
 * {@code reset-throttle}). A sibling row class of {@link Lifecycle}: it decides, the table acts
 * (docs/lifecycle.md, "Who writes a state"). Loop thread only; every verb says in its result what it did.
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

    /** A command's decision for the table, or why it was refused ({@code refusal} null = done). */
    record Order(Next next, String refusal) {
        static Order refused(String why) {
            return new Order(Next.STAY, why);
        }

        static Order of(Next next) {
            return new Order(next, null);
        }
    }

    private final Blacklist blacklist;
    private final EmperorLog log;

    Control(Blacklist blacklist, EmperorLog log) {
        this.blacklist = blacklist;
        this.log = log;
    }

    /**
     * The operator rows of the table (docs/lifecycle.md, "The table"): logs uWSGI's command lines and
     * decides; {@link Lifecycle#command} carries the decision out.
     */
    Order decide(Action action, Vassal v) {
        VassalState s = v.state;
        switch (action) {
            case SPAWN -> {
                if (s == VassalState.REFUSED) {
                    return Order.refused("refused by emperor-tyrant: it starts once its config file is acceptable");
                }
                if (s != VassalState.SUSPENDED) {
                    log.about(v, "command").plain("[uwsgi-emperor] WARNING: the vassal \"" + v.name + "\" is already active");
                    return Order.refused("already active (" + s.label() + ")");
                }
                log.about(v, "command").plain("[uwsgi-emperor] INFO: requested the spawn of vassal \"" + v.name + "\"");
                return Order.of(Next.START);
            }
            case RESPAWN -> {
                log.about(v, "command").plain("[uwsgi-emperor] INFO: requested the respawn of vassal \"" + v.name + "\"");
                return s == VassalState.RUNNING ? Order.of(Next.RELOAD) : Order.refused("not running (" + s.label() + ")");
            }
            case STOP, HALT -> {
                if (action == Action.STOP) {
                    log.about(v, "command").plain("[uwsgi-emperor] INFO: requested the stop of vassal \"" + v.name + "\"");
                }
                if (s == VassalState.RUNNING) {
                    return Order.of(Next.stop(action == Action.STOP ? StopReason.COMMAND : StopReason.OPERATOR));
                }
                if (action == Action.HALT && (s == VassalState.THROTTLED || s == VassalState.EXILED
                        || s == VassalState.WAITING_FOR_BASE || s == VassalState.ON_DEMAND)) {
                    return Order.of(Next.PARK);
                }
                return s == VassalState.SUSPENDED ? Order.of(Next.STAY) : Order.refused("cannot stop a vassal that is " + s.label());
            }
            case RESTART, START -> {
                if (s == VassalState.RUNNING) {
                    return Order.of(action == Action.START ? Next.STAY : Next.RELOAD); // start: already running
                }
                if (s == VassalState.SUSPENDED || s == VassalState.THROTTLED || s == VassalState.EXILED) {
                    blacklist.remove(v.name);
                    return Order.of(Next.FRESH_START); // an on-demand vassal goes back to waiting on its socket
                }
                return Order.refused("cannot " + action.verb() + " a vassal that is " + s.label());
            }
            case RESET_THROTTLE -> {
                blacklist.remove(v.name);
                return Order.of(s == VassalState.THROTTLED ? Next.RETRY_NOW : Next.STAY);
            }
        }
        throw new IllegalArgumentException(String.valueOf(action));
    }
}
