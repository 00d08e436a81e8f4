package dev.emperor.core;

/** One blacklist entry as uWSGI's stats show it: throttle in ms, times in epoch seconds. */
public record BlacklistView(String id, long throttleLevel, long attempt, long firstAttempt, long lastAttempt) {
}
