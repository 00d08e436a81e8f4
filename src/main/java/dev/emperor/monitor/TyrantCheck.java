package dev.emperor.monitor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;

/**
 * Whose identity a vassal file gets in Tyrant mode, and whether it may run at all
 * (imperial-monitors §5). Runs on the scanner thread: the loop only sees the verdict.
 * <ul>
 * <li>uid 0 or gid 0: uWSGI's {@code [emperor-tyrant] invalid permissions for vassal NAME}.</li>
 * <li>Symlinks, the spec's UNSAFE default: uWSGI takes the owner from the link's <em>target</em>,
 *     so whoever may create a link in the vassal directory runs code as the owner of any readable
 *     config on the system. Here a link is refused unless its own owner (uid and gid) is also the
 *     target's; with {@code emperor-tyrant-nofollow} (or {@code emperor-nofollow}, whose lstat gives
 *     the owner in uWSGI too) the link's own owner is used, as uWSGI does.</li>
 * <li>{@code emperor-tyrant-initgroups} needs a passwd entry for the owner (setpriv's
 *     {@code --init-groups} would exit otherwise, and the vassal would loop in the blacklist).
 *     The lookup reads /etc/passwd, as the Emperor's own {@code uid} option does.</li>
 * <li>A user or group whose <em>name</em> is the owner's id as digits (setpriv would resolve it
 *     as a name first).</li>
 * </ul>
 * The identity is decided here, at scan time, and handed to setpriv; the config is read later by
 * the vassal itself, already as that user, so swapping a link's target after the check cannot
 * lend the vassal anyone else's identity.
 */
public final class TyrantCheck {
    private final boolean ownerFromLink;
    private final boolean initGroups;
    private final Path passwd;
    private final IdFile users;
    private final IdFile groups;

    /** What a file's owner means for its vassal: the ids to run it as, or why it is refused (the log line). */
    public record Owner(int uid, int gid, String refusal) {
    }

    /**
     * @param ownerFromLink {@code emperor-tyrant-nofollow} or {@code emperor-nofollow}
     * @param initGroups    {@code emperor-tyrant-initgroups}
     * @param passwd        the passwd file (/etc/passwd; tests give their own)
     * @param group         the group file (/etc/group)
     */
    public TyrantCheck(boolean ownerFromLink, boolean initGroups, Path passwd, Path group) {
        this.ownerFromLink = ownerFromLink;
        this.initGroups = initGroups;
        this.passwd = passwd;
        this.users = new IdFile(passwd);
        this.groups = new IdFile(group);
    }

    /** @param statUid owner as the monitor's stat (or lstat with emperor-nofollow) saw it */
    public Owner owner(String name, Path path, int statUid, int statGid) {
        String refused = "[emperor-tyrant] invalid permissions for vassal " + name;
        int uid = statUid;
        int gid = statGid;
        if (Files.isSymbolicLink(path)) {
            int linkUid;
            int linkGid;
            try {
                Map<String, Object> link = Files.readAttributes(path, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
                linkUid = (Integer) link.get("uid");
                linkGid = (Integer) link.get("gid");
            } catch (IOException | RuntimeException e) {
                return new Owner(uid, gid, refused + ": cannot lstat the symlink (" + e.getMessage() + ")");
            }
            if (ownerFromLink) {
                uid = linkUid;
                gid = linkGid;
            } else if (linkUid != statUid || linkGid != statGid) {
                return new Owner(uid, gid, refused + ": symlink owned by " + linkUid + ":" + linkGid
                        + " points to a file owned by " + statUid + ":" + statGid
                        + " (uWSGI would run it as the target's owner; set emperor-tyrant-nofollow to run links as their own owner)");
            }
        }
        if (uid == 0 || gid == 0) {
            return new Owner(uid, gid, refused);
        }
        // setpriv resolves --reuid/--regid as a NAME first (getpwnam/getgrnam), then as a number:
        // a user or group literally named "1001" with another id would be picked instead
        String uidText = Integer.toUnsignedString(uid);
        String gidText = Integer.toUnsignedString(gid);
        Integer named = users.entries().get(uidText);
        if (named != null && named != uid) {
            return new Owner(uid, gid, refused + ": a user is named \"" + uidText + "\" (uid " + named
                    + "): setpriv would take the name, not the owner's uid");
        }
        named = groups.entries().get(gidText);
        if (named != null && named != gid) {
            return new Owner(uid, gid, refused + ": a group is named \"" + gidText + "\" (gid " + named
                    + "): setpriv would take the name, not the owner's gid");
        }
        if (initGroups && !users.entries().containsValue(uid)) {
            return new Owner(uid, gid, refused + ": uid " + uid + " has no entry in " + passwd
                    + " (emperor-tyrant-initgroups needs the owner's user name for initgroups)");
        }
        return new Owner(uid, gid, null);
    }

    /**
     * One of /etc/passwd, /etc/group: names → ids, re-read when its mtime changes (looked at no more
     * than once a second: a scan of thousands of vassals must not stat it for each one).
     */
    private static final class IdFile {
        private final Path file;
        private FileTime stamp;
        private long checkedAt;
        private boolean checked;
        private Map<String, Integer> byName = Map.of();

        IdFile(Path file) {
            this.file = file;
        }

        synchronized Map<String, Integer> entries() {
            long nanos = System.nanoTime();
            if (checked && nanos - checkedAt < 1_000_000_000L) {
                return byName;
            }
            checked = true;
            checkedAt = nanos;
            try {
                FileTime now = Files.getLastModifiedTime(file);
                if (!now.equals(stamp)) {
                    Map<String, Integer> names = new HashMap<>();
                    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                        String[] f = line.split(":", -1);
                        if (f.length > 2 && f[2].matches("\\d{1,10}")) {
                            names.putIfAbsent(f[0], (int) Long.parseLong(f[2]));
                        }
                    }
                    byName = names;
                    stamp = now;
                }
            } catch (IOException e) {
                if (!dev.emperor.internal.Errno.saysNothingAboutIt(e)) {
                    byName = Map.of();
                    stamp = null;
                } // else out of fds or memory: the last good reading stands (docs/reliability.md)
            } catch (RuntimeException e) {
                byName = Map.of();
                stamp = null;
            }
            return byName;
        }
    }
}
