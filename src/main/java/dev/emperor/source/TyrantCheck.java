package dev.emperor.source;

import dev.emperor.internal.UserDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Whose identity a vassal gets in Tyrant mode, and whether it may run at all
 * (docs/uwsgi-compat.md, "Tyrant mode"). Runs on the scanner thread: the loop only sees the verdict.
 * <ul>
 * <li>uid 0 or gid 0: uWSGI's {@code [emperor-tyrant] invalid permissions for vassal NAME}.</li>
 * <li>Symlinks, uWSGI's unsafe default: uWSGI takes the owner from the link's <em>target</em>,
 *     so whoever may create a link in the vassal directory runs code as the owner of any readable
 *     config on the system. Here a link is refused unless its own owner (uid and gid) is also the
 *     target's; with {@code emperor-tyrant-nofollow} (or {@code emperor-nofollow}, whose lstat gives
 *     the owner in uWSGI too) the link's own owner is used, as uWSGI does.</li>
 * <li>{@code emperor-tyrant-initgroups} needs a passwd entry for the owner (setpriv's
 *     {@code --init-groups} would exit otherwise, and the vassal would loop in the blacklist).
 *     The lookup asks NSS ({@link UserDatabase}), as setpriv's own initgroups does.</li>
 * <li>A user or group whose <em>name</em> is the owner's id as digits (setpriv would resolve it
 *     as a name first).</li>
 * </ul>
 * The identity is decided here, at scan time, and handed to setpriv; the config is read later by
 * the vassal itself, already as that user, so swapping a link's target after the check cannot
 * lend the vassal anyone else's identity. A user database that cannot be asked throws
 * {@link UserDatabase.LookupFailed}: the monitor's whole scan then fails and concludes nothing.
 */
public final class TyrantCheck {
    /** Answers are kept this long: a scan of thousands of vassals must not ask NSS three times for each. */
    private static final long CACHE_NANOS = 1_000_000_000L;

    private final boolean ownerFromLink;
    private final boolean initGroups;
    private final UserDatabase users;
    private final Map<String, Object> cache = new HashMap<>();
    private long cachedAt;

    /** What a file's owner means for its vassal: the ids to run it as, or why it is refused (the log line). */
    public record Owner(int uid, int gid, String refusal) {
    }

    /**
     * @param ownerFromLink {@code emperor-tyrant-nofollow} or {@code emperor-nofollow}
     * @param initGroups    {@code emperor-tyrant-initgroups}
     * @param users         the user and group databases ({@link UserDatabase#system()}; tests give a fake)
     */
    public TyrantCheck(boolean ownerFromLink, boolean initGroups, UserDatabase users) {
        this.ownerFromLink = ownerFromLink;
        this.initGroups = initGroups;
        this.users = users;
    }

    /**
     * The owner of a vassal file: the symlink rule first, then {@link #owner(String, int, int)}.
     *
     * @param statUid owner as the monitor's stat (or lstat with emperor-nofollow) saw it
     */
    public Owner owner(String name, Path path, int statUid, int statGid) {
        String refused = refusedLine(name);
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
        return owner(name, uid, gid);
    }

    /**
     * The identity a source supplied for a vassal that is not a file (a database row's uid and gid
     * columns, as {@code emperor_pg}), or a file's owner once its symlink is judged: uid 0 or gid 0
     * refused, and the setpriv name traps below.
     */
    public Owner owner(String name, int uid, int gid) {
        String refused = refusedLine(name);
        if (uid == 0 || gid == 0) {
            return new Owner(uid, gid, refused);
        }
        // setpriv resolves --reuid/--regid as a NAME first (getpwnam/getgrnam), then as a number:
        // a user or group literally named "1001" with another id would be picked instead
        String uidText = Integer.toUnsignedString(uid);
        String gidText = Integer.toUnsignedString(gid);
        OptionalInt named = (OptionalInt) cached("u" + uidText, () -> users.uidOf(uidText));
        if (named.isPresent() && named.getAsInt() != uid) {
            return new Owner(uid, gid, refused + ": a user is named \"" + uidText + "\" (uid " + named.getAsInt()
                    + "): setpriv would take the name, not the owner's uid");
        }
        named = (OptionalInt) cached("g" + gidText, () -> users.gidOf(gidText));
        if (named.isPresent() && named.getAsInt() != gid) {
            return new Owner(uid, gid, refused + ": a group is named \"" + gidText + "\" (gid " + named.getAsInt()
                    + "): setpriv would take the name, not the owner's gid");
        }
        int owner = uid;
        if (initGroups && ((Optional<?>) cached("n" + uidText, () -> users.userName(owner))).isEmpty()) {
            return new Owner(uid, gid, refused + ": uid " + uidText + " has no passwd entry"
                    + " (emperor-tyrant-initgroups needs the owner's user name for initgroups)");
        }
        return new Owner(uid, gid, null);
    }

    /** uWSGI's line for a refused vassal, which operators grep for. */
    public static String refusedLine(String name) {
        return "[emperor-tyrant] invalid permissions for vassal " + name;
    }

    /** One answer of the user database, asked again once {@link #CACHE_NANOS} have passed; failures are not kept. */
    private synchronized Object cached(String key, Supplier<Object> ask) {
        long now = System.nanoTime();
        if (now - cachedAt >= CACHE_NANOS) {
            cache.clear();
            cachedAt = now;
        }
        Object known = cache.get(key);
        if (known == null) {
            known = ask.get();
            cache.put(key, known);
        }
        return known;
    }
}
