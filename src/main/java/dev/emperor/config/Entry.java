package dev.emperor.config;

/**
 * One "exported option" of uWSGI's ordered list ({@code struct uwsgi_opt}): key, value (rewritten
 * in place by the expansion passes) and whether it has been applied ({@code configured}).
 */
final class Entry {

    final String key;
    final Origin origin;
    String value;
    /** Applied already (immediate options, placeholders): the expansion passes skip it. */
    boolean configured;

    Entry(String key, String value, Origin origin) {
        this.key = key;
        this.value = value;
        this.origin = origin;
    }

    @Override
    public String toString() {
        return key + "=" + value + " (" + origin.describe() + ")";
    }
}
