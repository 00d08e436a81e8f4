package dev.emperor.hooks;

import java.util.List;

/**
 * One operation of {@link HookScript}, as the nine argv words the script reads: operation, fatality,
 * the line logged before it, the line logged when it fails, and up to five operands (unused = "").
 *
 * @param op    a {@link HookScript} operation (cd, exec, mount, hookcmd ...)
 * @param fatal 0 go on, 1 uWSGI's FATAL line and exit 1, 2 exit 1, 3 go on and fail at the end
 * @param pre   logged before (uWSGI's "running ..." line), "" = nothing
 * @param fail  logged when it fails, "" = nothing
 */
public record HookStep(String op, int fatal, String pre, String fail, List<String> operands) {

    public HookStep {
        if (operands.size() > 5) {
            throw new IllegalArgumentException("at most 5 operands: " + operands);
        }
        operands = List.copyOf(operands);
    }

    static HookStep of(String op, int fatal, String pre, String fail, String... operands) {
        return new HookStep(op, fatal, pre, fail, List.of(operands));
    }

    /** The same step with another fatality (the list decides it, not the action). */
    HookStep fatal(int how) {
        return new HookStep(op, how, pre, fail, operands);
    }

    List<String> words() {
        String[] w = {op, Integer.toString(fatal), pre, fail, "", "", "", "", ""};
        for (int i = 0; i < operands.size(); i++) {
            w[4 + i] = operands.get(i);
        }
        return List.of(w);
    }
}
