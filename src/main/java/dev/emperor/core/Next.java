package dev.emperor.core;

/**
 * What a row of the table decided for one vassal. The sibling row classes ({@link OnDemandRows},
 * {@link TyrantRows}, {@link SpawnRows}, {@link Control}) compute one and hand it back;
 * {@link Lifecycle} carries it out through {@link Transitions}, the only code that writes a record's
 * state and spawnAt (docs/lifecycle.md, "Who writes a state").
 *
 * @param at     THROTTLE: when it may start; FAIL: the least delay in ms; WAIT_FOR_BASE: the retry time
 * @param reason STOP: why
 */
record Next(Kind kind, long at, StopReason reason) {

    enum Kind {
        /** Nothing changes. */
        STAY,
        /** "start": bind and sleep when the vassal has an on-demand socket name, otherwise spawn. */
        START,
        /** A fresh record (uWSGI's {@code emperor_add}), then START. */
        FRESH_START,
        /** A fresh record, then a spawn even for an on-demand vassal (an adopted vassal's reload). */
        FRESH_SPAWN,
        /** THROTTLED until {@code at}. */
        THROTTLE,
        /** A failure of the vassal: blacklisted (unless emperor-no-blacklist), THROTTLED at least {@code at} ms. */
        FAIL,
        /** WAITING_FOR_BASE until {@code at}. */
        WAIT_FOR_BASE,
        /** ON_DEMAND, asleep on its bound socket. */
        SLEEP,
        /** Back to sleep after byte 22 (uWSGI's status 2): as SLEEP, with no blacklist check and its own line. */
        SLEEP_AGAIN,
        /** REFUSED by Tyrant. */
        REFUSE,
        /** EXILED until its file changes. */
        EXILE,
        /** A stop byte: STOPPING for {@code reason}. */
        STOP,
        /** A reload byte, last_mod = the wall clock now. */
        RELOAD,
        /** SUSPENDED until an operator starts it; its on-demand socket closed. */
        PARK,
        /** SUSPENDED until an operator starts it (reaped after an operator stop: nothing else to close). */
        SUSPEND,
        /** A THROTTLED vassal's window ends now (it starts in this call if nothing else holds it). */
        RETRY_NOW,
        /** The record goes away. */
        FORGET
    }

    static final Next STAY = new Next(Kind.STAY, 0, null);
    static final Next START = new Next(Kind.START, 0, null);
    static final Next FRESH_START = new Next(Kind.FRESH_START, 0, null);
    static final Next FRESH_SPAWN = new Next(Kind.FRESH_SPAWN, 0, null);
    static final Next SLEEP = new Next(Kind.SLEEP, 0, null);
    static final Next SLEEP_AGAIN = new Next(Kind.SLEEP_AGAIN, 0, null);
    static final Next REFUSE = new Next(Kind.REFUSE, 0, null);
    static final Next EXILE = new Next(Kind.EXILE, 0, null);
    static final Next RELOAD = new Next(Kind.RELOAD, 0, null);
    static final Next PARK = new Next(Kind.PARK, 0, null);
    static final Next SUSPEND = new Next(Kind.SUSPEND, 0, null);
    static final Next RETRY_NOW = new Next(Kind.RETRY_NOW, 0, null);
    static final Next FORGET = new Next(Kind.FORGET, 0, null);

    static Next throttle(long until) {
        return new Next(Kind.THROTTLE, until, null);
    }

    static Next fail(long leastDelayMs) {
        return new Next(Kind.FAIL, leastDelayMs, null);
    }

    static Next waitForBase(long retryAt) {
        return new Next(Kind.WAIT_FOR_BASE, retryAt, null);
    }

    static Next stop(StopReason reason) {
        return new Next(Kind.STOP, 0, reason);
    }
}
