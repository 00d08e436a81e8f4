package dev.emperor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Version strings. The version is read from the jar ({@code dev/emperor/version.txt}) rather than
 * compiled in, so that it is the running jar's: after an in-place upgrade (docs/upgrade.md) the
 * stats and {@code /metrics} show the build that now runs.
 */
public final class Version {
    private static final String BUILT_IN = "0.1.0";
    public static final String VERSION = read();
    /** The stats document's {@code version} field: ours, recognisable, in uWSGI's "x.y.z-flavour" shape. */
    public static final String STATS_VERSION = VERSION + "-emperor";

    private Version() {
    }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("version.txt")) {
            if (in == null) {
                return BUILT_IN;
            }
            String v = new String(in.readNBytes(64), StandardCharsets.UTF_8).strip();
            return v.isEmpty() || !v.matches("[0-9A-Za-z.+~_-]+") ? BUILT_IN : v;
        } catch (IOException e) {
            return BUILT_IN;
        }
    }
}
