package dev.emperor;

/** Version strings. */
public final class Version {
    public static final String VERSION = "0.1.0";
    /** The stats document's {@code version} field: ours, recognisable, in uWSGI's "x.y.z-flavour" shape. */
    public static final String STATS_VERSION = VERSION + "-emperor";

    private Version() {
    }
}
