package dev.emperor.config;

import java.util.function.Function;

/**
 * {@code core/config.c: uwsgi_manage_placeholder}: the lookup behind {@code %(...)}. Without a space
 * the key is an option name. With spaces it is a left-to-right expression (docs/uwsgi-compat.md, "Expansion passes"): numbers
 * are literals, other tokens are option values (unknown = ""), {@code + - * /} apply 64-bit integer
 * arithmetic to the next operand (division by zero = 0), postfix {@code ++}/{@code --}, and two
 * operands in a row are concatenated.
 */
final class PlaceholderMath {

    private enum Op { CONCAT, SUM, SUB, MUL, DIV }

    private PlaceholderMath() {
    }

    /** @return the value, or null when nothing matched (the reference then stays literally) */
    static String evaluate(String key, Function<String, String> lookup) {
        if (key.indexOf(' ') < 0) {
            return lookup.apply(key);
        }
        String current = null;
        Op op = Op.CONCAT;
        for (String token : key.split(" ")) {
            if (token.isEmpty()) {
                continue; // strtok() collapses runs of separators
            }
            String value;
            switch (token) {
                case "+" -> { op = Op.SUM; continue; }
                case "-" -> { op = Op.SUB; continue; }
                case "*" -> { op = Op.MUL; continue; }
                case "/" -> { op = Op.DIV; continue; }
                case "++", "--" -> {
                    if (current != null) {
                        current = Long.toString(strtoll(current) + (token.equals("++") ? 1 : -1));
                    }
                    op = Op.CONCAT;
                    continue;
                }
                default -> {
                    if (isNumber(token)) {
                        value = token;
                    } else {
                        String found = lookup.apply(token);
                        value = found == null ? "" : found;
                    }
                }
            }
            long a = current == null ? 0 : strtoll(current);
            long b = strtoll(value);
            current = switch (op) {
                case CONCAT -> (current == null ? "" : current) + value;
                case SUM -> Long.toString(a + b);
                case SUB -> Long.toString(a - b);
                case MUL -> Long.toString(a * b);
                case DIV -> Long.toString(b == 0 ? 0 : a / b);
            };
            op = Op.CONCAT;
        }
        return current;
    }

    /** {@code is_a_number}: every character a decimal digit. */
    static boolean isNumber(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** C {@code strtoll(s, NULL, 10)}: leading blanks, sign, digits, rest ignored, clamped on overflow. */
    static long strtoll(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && " \t\n\u000b\f\r".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long result = 0;
        for (; i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9'; i++) {
            int digit = s.charAt(i) - '0';
            if (result > (Long.MAX_VALUE - digit) / 10) {
                return negative ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            result = result * 10 + digit;
        }
        return negative ? -result : result;
    }
}
