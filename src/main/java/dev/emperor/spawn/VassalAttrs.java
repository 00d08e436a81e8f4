package dev.emperor.spawn;

import java.util.Map;

/**
 * uWSGI master's per-vassal attributes that change how a vassal is started ({@code core/emperor.c:
 * vassal_new_argv} and {@code uwsgi_emperor_spawn_vassal}; docs/uwsgi-compat.md, "Vassal attributes"):
 * {@code emperor-wrapper-attr} names the attribute whose value replaces argv[0] (the wrapper-override
 * list is still tried first and the fallbacks after it, as in master), {@code emperor-chdir-attr} the one
 * whose value is the directory the vassal starts in. Attributes come from the {@code [emperor]} section
 * of an {@code .ini} vassal through {@code emperor-collect-attr}; a key that was not collected is absent.
 *
 * @param wrapperAttr   the attribute key of the wrapper, null = option unset
 * @param chdirAttr     the attribute key of the working directory, null = option unset
 * @param chdirAsOwner  Tyrant: master chdirs after dropping to the vassal's owner, so the chdir must not be
 *                      the Emperor's (root's) posix_spawn action but a step after the drop ({@link ChdirStep})
 */
public record VassalAttrs(String wrapperAttr, String chdirAttr, boolean chdirAsOwner) {

    /** No attribute changes a start. */
    public static final VassalAttrs NONE = new VassalAttrs(null, null, false);

    public VassalAttrs(String wrapperAttr, String chdirAttr) {
        this(wrapperAttr, chdirAttr, false);
    }

    /** The vassal's wrapper, or null (master's {@code vassal_attr_get}: an unset key or option gives none). */
    public String wrapper(Map<String, String> attrs) {
        return get(attrs, wrapperAttr);
    }

    /** The vassal's working directory as written (relative = from the monitor's directory), or null. */
    public String chdir(Map<String, String> attrs) {
        return get(attrs, chdirAttr);
    }

    private static String get(Map<String, String> attrs, String key) {
        return key == null || attrs == null ? null : attrs.get(key);
    }
}
