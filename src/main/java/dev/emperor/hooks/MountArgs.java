package dev.emperor.hooks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * uWSGI's {@code mount}/{@code umount} hook arguments ({@code core/mount.c: uwsgi_mount_hook},
 * {@code uwsgi_umount_hook}) turned into operands of mount(8)/umount(8) (docs/hooks.md, "mount and
 * umount"): {@code FS WHAT WHERE [FLAGS [DATA]]} and {@code WHERE [FLAGS]}, single spaces, flags
 * comma-separated from uWSGI's flag table. A flag uWSGI would exit on is a configuration error here.
 */
final class MountArgs {
    /** uWSGI's mount flag names → mount(8) {@code -o} options ("" = only modifies another flag). */
    private static final Map<String, String> MOUNT = new LinkedHashMap<>();
    /** uWSGI's flags that make sense for umount2 → umount(8) short options. */
    /** Options with which mount(2) ignores the file system type. */
    private static final java.util.Set<String> TYPE_IGNORED = java.util.Set.of("bind", "rbind", "move", "remount", "private",
            "rprivate", "shared", "rshared");
    private static final java.util.Set<String> PROPAGATION = java.util.Set.of("private", "rprivate", "shared", "rshared");
    private static final Map<String, String> UMOUNT = Map.of("force", "f", "detach", "l", "rec", "R", "recursive", "R");

    static {
        MOUNT.put("bind", "bind");
        MOUNT.put("dirsync", "dirsync");
        MOUNT.put("mandlock", "mand");
        MOUNT.put("move", "move");
        MOUNT.put("noatime", "noatime");
        MOUNT.put("nodev", "nodev");
        MOUNT.put("noexec", "noexec");
        MOUNT.put("rdonly", "ro");
        MOUNT.put("readonly", "ro");
        MOUNT.put("ro", "ro");
        MOUNT.put("remount", "remount");
        MOUNT.put("nosuid", "nosuid");
        MOUNT.put("sync", "sync");
        MOUNT.put("rec", "");
        MOUNT.put("recursive", "");
        MOUNT.put("private", "private");
        MOUNT.put("shared", "shared");
    }

    private MountArgs() {
    }

    /**
     * fs ("" when the flags make mount(2) ignore it), what, where, mount(8) options (comma-joined, "" =
     * none); or an {@link IllegalArgumentException}.
     */
    static List<String> mount(String arg) {
        String[] p = splitSpaces(arg, 5);
        if (p.length < 3) {
            throw new IllegalArgumentException("uwsgi_mount_hook() invalid syntax (must be: <fs> <what> <where> [flags [data]])");
        }
        List<String> options = new ArrayList<>();
        if (p.length > 3) {
            boolean rec = false;
            List<String> flags = new ArrayList<>();
            for (String f : p[3].split(",", -1)) {
                String o = MOUNT.get(f);
                if (o == null) {
                    throw new IllegalArgumentException("unknown mount flag \"" + f + "\"");
                }
                if (o.isEmpty()) {
                    rec = true;
                } else {
                    flags.add(o);
                }
            }
            for (String o : flags) {
                // MS_REC with MS_BIND / a propagation flag: mount(8) spells it rbind, rprivate, rshared
                options.add(rec && (o.equals("bind") || o.equals("private") || o.equals("shared")) ? "r" + o : o);
            }
        }
        if (p.length > 4) {
            options.add(p[4]);
        }
        if (options.size() == 1 && PROPAGATION.contains(options.get(0))) {
            // mount(2) changes only the target's propagation; mount(8) wants that as --make-X TARGET
            return List.of("", "", p[2], "--make-" + options.get(0));
        }
        // the kernel ignores the type for these (mount(2)); mount(8) given one tries a new mount and fails
        boolean typeIgnored = options.stream().anyMatch(TYPE_IGNORED::contains);
        return List.of(typeIgnored ? "" : p[0], p[1], p[2], String.join(",", options));
    }

    /** where, umount(8) short options ("-fl", "" = none); or an {@link IllegalArgumentException}. */
    static List<String> umount(String arg) {
        int space = arg.indexOf(' ');
        String where = space < 0 ? arg : arg.substring(0, space);
        StringBuilder opts = new StringBuilder();
        if (space >= 0) {
            for (String f : arg.substring(space + 1).split(",", -1)) {
                String o = UMOUNT.get(f);
                if (o == null) {
                    throw new IllegalArgumentException(MOUNT.containsKey(f)
                            ? "umount flag \"" + f + "\" means nothing to umount (only force, detach, rec)"
                            : "unknown umount flag \"" + f + "\"");
                }
                if (opts.indexOf(o) < 0) {
                    opts.append(o);
                }
            }
        }
        return List.of(where, opts.length() == 0 ? "" : "-" + opts);
    }

    /** strchr(' ') splitting as uWSGI does: at most {@code max} parts, the last keeps its spaces. */
    private static String[] splitSpaces(String s, int max) {
        return s.split(" ", max);
    }
}
