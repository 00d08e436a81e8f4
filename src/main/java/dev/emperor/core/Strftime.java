package dev.emperor.core;

import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The common strftime conversions of a {@code log-date} format, as a java.time formatter. */
final class Strftime {
    private Strftime() {
    }

    static DateTimeFormatter toFormatter(String strftime) {
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < strftime.length(); i++) {
            char c = strftime.charAt(i);
            if (c != '%' || i + 1 == strftime.length()) {
                literal(p, c);
                continue;
            }
            char f = strftime.charAt(++i);
            switch (f) {
                case 'Y': p.append("yyyy"); break;
                case 'y': p.append("yy"); break;
                case 'm': p.append("MM"); break;
                case 'd': p.append("dd"); break;
                case 'e': p.append("ppd"); break;
                case 'H': p.append("HH"); break;
                case 'M': p.append("mm"); break;
                case 'S': p.append("ss"); break;
                case 'b': case 'h': p.append("MMM"); break;
                case 'B': p.append("MMMM"); break;
                case 'a': p.append("EEE"); break;
                case 'A': p.append("EEEE"); break;
                case 'j': p.append("DDD"); break;
                case 'z': p.append("xx"); break;
                case 'Z': p.append("zzz"); break;
                case 'F': p.append("yyyy-MM-dd"); break;
                case 'T': p.append("HH:mm:ss"); break;
                case '%': literal(p, '%'); break;
                default: literal(p, '%'); literal(p, f); break;
            }
        }
        return DateTimeFormatter.ofPattern(p.toString(), Locale.US);
    }

    private static void literal(StringBuilder p, char c) {
        if (Character.isLetter(c) || c == '\'' || c == '[' || c == ']' || c == '#' || c == '{' || c == '}') {
            p.append('\'').append(c == '\'' ? "''" : String.valueOf(c)).append('\'');
        } else {
            p.append(c);
        }
    }
}
