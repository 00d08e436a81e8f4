package dev.emperor.source;

/** A directory entry that looks like a vassal but is not started, and why. */
public record Skipped(String name, String reason) {
}
