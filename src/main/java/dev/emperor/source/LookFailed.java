package dev.emperor.source;

/**
 * A name a monitor listed but could not look at, for a reason that says nothing about the file
 * (docs/reliability.md, "A failed look is not an absence"): out of fds, out of memory, EIO, EINTR.
 * The vassal of that name keeps its record as it is; the next scan looks again.
 *
 * @param errno the errno behind it, 0 when unknown
 */
public record LookFailed(String name, String reason, int errno) {
}
