package dev.emperor.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Thread-safe line buffer of everything the Emperor (and its vassals, which inherit its stdout) printed. */
public final class LogBuffer {

    private final List<String> lines = new ArrayList<>();
    private final List<Long> arrivals = new ArrayList<>();

    synchronized void add(String line) {
        lines.add(line);
        arrivals.add(System.nanoTime());
        notifyAll();
    }

    /**
     * Waits up to {@code timeoutMs} for a line at or after {@code from} in which {@code p} is found (woken by
     * each new line, not polling); true when there is one.
     */
    public synchronized boolean awaitLine(int from, Pattern p, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000L;
        for (int i = Math.max(0, from); ; ) {
            for (; i < lines.size(); i++) {
                if (p.matcher(lines.get(i)).find()) return true;
            }
            long left = end - System.nanoTime();
            if (left <= 0) return false;
            wait(Math.max(1, left / 1_000_000L));
        }
    }

    /** System.nanoTime() when the harness read the first line at or after {@code from} matching {@code p}, or empty. */
    public synchronized Optional<Long> arrival(int from, Pattern p) {
        for (int i = Math.max(0, from); i < lines.size(); i++) {
            if (p.matcher(lines.get(i)).find()) return Optional.of(arrivals.get(i));
        }
        return Optional.empty();
    }

    /** Number of lines so far: a mark for "since now" searches. */
    public synchronized int mark() {
        return lines.size();
    }

    public synchronized List<String> lines(int from) {
        return new ArrayList<>(lines.subList(Math.min(from, lines.size()), lines.size()));
    }

    /** First line at or after {@code from} in which {@code p} is found. */
    public Optional<String> find(int from, Pattern p) {
        for (String l : lines(from)) if (p.matcher(l).find()) return Optional.of(l);
        return Optional.empty();
    }

    /** Number of lines at or after {@code from} in which {@code p} is found. */
    public long count(int from, Pattern p) {
        return lines(from).stream().filter(l -> p.matcher(l).find()).count();
    }

    /** The last {@code n} lines, for failure messages. */
    public synchronized String tail(int n) {
        StringBuilder b = new StringBuilder();
        for (String l : lines.subList(Math.max(0, lines.size() - n), lines.size())) b.append("  | ").append(l).append('\n');
        return b.toString();
    }
}
