package dev.emperor.config;

import java.util.ArrayList;
import java.util.List;

/** Capability names as uWSGI spells them ({@code cap}, {@code emperor-cap}) and the kernel's numbers. */
public final class Capabilities {

    private Capabilities() {
    }

    /** The mask of capability numbers for {@code names} (lower case, without {@code cap_}). */
    public static long mask(List<String> names) {
        long mask = 0;
        for (String n : names) {
            int i = PrivilegeOptions.CAPABILITIES.indexOf(n);
            if (i < 0) {
                throw new IllegalArgumentException("unknown capability " + n);
            }
            mask |= 1L << i;
        }
        return mask;
    }

    /** The names in {@code mask} that uWSGI knows, in the kernel's order (unknown bits as numbers). */
    public static List<String> names(long mask) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            if ((mask & (1L << i)) != 0) {
                out.add(i < PrivilegeOptions.CAPABILITIES.size() ? PrivilegeOptions.CAPABILITIES.get(i) : Integer.toString(i));
            }
        }
        return out;
    }
}
