package dev.emperor.source;

import java.util.List;

/**
 * Which names are vassal configs ({@code core/emperor.c: uwsgi_emperor_is_valid}): a plain,
 * case-sensitive suffix match on the built-in extensions or an {@code emperor-extra-extension},
 * and shorter than 255 bytes.
 */
public final class VassalNames {
    public static final List<String> BUILT_IN = List.of(".xml", ".ini", ".yml", ".yaml", ".js", ".json");
    public static final int MAX_NAME = 254;

    private final List<String> extra;

    public VassalNames(List<String> extraExtensions) {
        this.extra = List.copyOf(extraExtensions);
    }

    public boolean hasVassalExtension(String name) {
        for (String ext : BUILT_IN) {
            if (name.endsWith(ext)) {
                return true;
            }
        }
        for (String ext : extra) {
            if (!ext.isEmpty() && name.endsWith(ext)) {
                return true;
            }
        }
        return false;
    }

    public boolean tooLong(String name) {
        return name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME;
    }
}
