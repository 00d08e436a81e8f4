package dev.emperor.monitor;

import dev.emperor.source.VassalSource;
import dev.emperor.source.LookFailed;
import dev.emperor.source.Skipped;
import dev.emperor.source.VassalNames;
import dev.emperor.source.TyrantCheck;
import dev.emperor.internal.Errno;
import dev.emperor.internal.RegularFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The per-entry checks shared by the dir and glob monitors ({@code uwsgi_imperial_monitor_directory}):
 * valid name, then {@code stat} (or {@code lstat} with {@code emperor-nofollow}), regular files only.
 * Beyond uWSGI, entries that could only make a vassal fail (empty, binary, unreadable) are skipped
 * with a reason instead of being spawned into a throttle loop.
 */
final class EntryInspector {
    private static final int SNIFF_BYTES = 4096;
    /**
     * Named, not "unix:*": that also resolves owner and group names (an NSS lookup per file and scan).
     * One stat gives all of them; ino, dev, ctime and size tell whether the content may have changed.
     */
    private static final String UNIX_ATTRS = "unix:mode,uid,gid,lastModifiedTime,ino,dev,ctime,size,nlink";
    /** Marker: the file went away between stat and open (the next scan will tell). */
    private static final Object VANISHED = new Object();

    private final VassalNames names;
    private final boolean nofollow;
    private final java.util.List<String> attributeKeys;
    private final TyrantCheck tyrant;
    private final ContentReader reader;
    /**
     * What the content reads found for each file at its last stat: a rescan reads a file again only
     * when its inode, mtime, ctime or size changed (docs/operations.md, "Idle cost"). Kept from one
     * complete scan to the next, so files gone from the directory are forgotten.
     */
    private Map<Path, Seen> seen = new HashMap<>();
    private Map<Path, Seen> seenThisScan = new HashMap<>();
    /** Every entry of the scan under way so far is plain: a regular file with one link, not a symlink. */
    private boolean allPlainThisScan = true;
    /** What {@link #allPlainThisScan} was at the end of the last complete scan. */
    private volatile boolean lastScanAllPlain;

    /** @param tyrant the ownership rules of emperor-tyrant, null outside Tyrant mode */
    EntryInspector(VassalNames names, boolean nofollow, java.util.List<String> attributeKeys, TyrantCheck tyrant) {
        this(names, nofollow, attributeKeys, tyrant, ContentReader.FILES);
    }

    EntryInspector(VassalNames names, boolean nofollow, java.util.List<String> attributeKeys, TyrantCheck tyrant,
                   ContentReader reader) {
        this.names = names;
        this.nofollow = nofollow;
        this.attributeKeys = java.util.List.copyOf(attributeKeys);
        this.tyrant = tyrant;
        this.reader = reader;
    }

    /** The reads of a file's content a scan makes (a seam: the tests count them). */
    interface ContentReader {
        byte[] head(Path path, int max, boolean nofollow) throws IOException;

        Map<String, String> attributes(Path path, String name, java.util.List<String> keys) throws IOException;

        ContentReader FILES = new ContentReader() {
            @Override
            public byte[] head(Path path, int max, boolean nofollow) throws IOException {
                return RegularFiles.readHead(path, max, nofollow);
            }

            @Override
            public Map<String, String> attributes(Path path, String name, java.util.List<String> keys)
                    throws IOException {
                return Attributes.collect(path, name, keys);
            }
        };
    }

    /**
     * A file's identity at one stat and what its content reads found then (null verdict: fine), with
     * the record made from it (outside Tyrant mode, where the owner's lookups may change).
     */
    private static final class Seen {
        private final Object dev;
        private final Object ino;
        private final Object mtime;
        private final Object ctime;
        private final Object size;
        private final Skipped verdict;
        private final Map<String, String> collected;
        /** A regular file with one link and not a symlink: inotify on its directory sees every change of it. */
        private final boolean plain;
        private VassalSource made;

        Seen(Object dev, Object ino, Object mtime, Object ctime, Object size, Skipped verdict,
             Map<String, String> collected, boolean plain) {
            this.dev = dev;
            this.ino = ino;
            this.mtime = mtime;
            this.ctime = ctime;
            this.size = size;
            this.verdict = verdict;
            this.collected = collected;
            this.plain = plain;
        }

        Skipped verdict() {
            return verdict;
        }

        Map<String, String> collected() {
            return collected;
        }

        boolean sameFile(Map<String, Object> attrs) {
            return Objects.equals(dev, attrs.get("dev")) && Objects.equals(ino, attrs.get("ino"))
                    && Objects.equals(mtime, attrs.get("lastModifiedTime")) && Objects.equals(ctime, attrs.get("ctime"))
                    && Objects.equals(size, attrs.get("size"));
        }
    }

    /** A scan of the whole source starts. */
    synchronized void beginScan() {
        seenThisScan = new HashMap<>(Math.max(16, seen.size() * 2));
        allPlainThisScan = true;
    }

    /** The scan that {@link #beginScan} started listed the whole source: forget the files it did not see. */
    synchronized void endScan() {
        seen = seenThisScan;
        seenThisScan = new HashMap<>();
        lastScanAllPlain = allPlainThisScan;
    }

    /** A scan failed midway: what it saw so far proves nothing. */
    synchronized void scanFailed() {
        lastScanAllPlain = false;
    }

    /**
     * True when the last complete scan saw only plain files (regular, one link, not a symlink) and looked
     * at each of them: an inotify watch on the directory then reports every change a rescan could find.
     * A symlink's target or another link of the same file can change with no event in this directory.
     */
    boolean lastScanAllPlain() {
        return lastScanAllPlain;
    }

    private synchronized void notPlain() {
        allPlainThisScan = false;
    }

    private synchronized Seen seen(Path path) {
        return seen.get(path);
    }

    private synchronized void remember(Path path, Seen s) {
        seenThisScan.put(path, s);
    }

    /**
     * Returns a VassalSource, a Skipped, a LookFailed (a stat, open or read failed for a reason that says
     * nothing about the file: docs/reliability.md), or null when the name is simply not a vassal name.
     */
    Object inspect(String name, Path path, Path cwd, String monitor) {
        if (!names.hasVassalExtension(name)) {
            return null;
        }
        if (names.tooLong(name)) {
            return new Skipped(name, "invalid vassal name: longer than " + VassalNames.MAX_NAME + " bytes");
        }
        if (name.indexOf('\uFFFD') >= 0) {
            // bytes the file-name charset cannot decode: the name as a String no longer names the file,
            // so neither our checks nor the vassal's argv could reach it
            return new Skipped(name, "invalid vassal name: not valid " + System.getProperty("sun.jnu.encoding", "UTF-8"));
        }
        Map<String, Object> attrs;
        try {
            attrs = nofollow
                    ? Files.readAttributes(path, UNIX_ATTRS, LinkOption.NOFOLLOW_LINKS)
                    : Files.readAttributes(path, UNIX_ATTRS);
        } catch (NoSuchFileException e) {
            notPlain();
            if (!nofollow && Files.isSymbolicLink(path)) {
                return new Skipped(name, "dangling symlink");
            }
            return null; // vanished between readdir and stat: the next scan will tell
        } catch (IOException e) {
            notPlain();
            if (Errno.saysNothingAboutIt(e)) {
                return new LookFailed(name, "cannot stat: " + e.getMessage(), Errno.of(e));
            }
            return new Skipped(name, "cannot stat: " + e.getMessage());
        } catch (SecurityException e) {
            notPlain();
            return new Skipped(name, "cannot stat: " + e.getMessage());
        }
        int mode = (Integer) attrs.get("mode");
        int type = mode & 0170000;
        boolean regular = type == 0100000;
        boolean link = type == 0120000;
        if (!regular && !(nofollow && link)) {
            notPlain();
            return new Skipped(name, "not a regular file (" + typeName(type) + ")");
        }
        Seen before = seen(path);
        if (before == null || !before.sameFile(attrs)) {
            Object content = regular ? contentProblem(name, path) : null;
            if (content == VANISHED || content instanceof LookFailed) {
                notPlain();
                return content == VANISHED ? null : content; // not remembered: the next scan looks again
            }
            Map<String, String> collected = Map.of();
            if (content == null) {
                try {
                    collected = reader.attributes(path, name, attributeKeys);
                } catch (IOException e) {
                    notPlain();
                    return new LookFailed(name, "cannot read attributes: " + e.getMessage(), Errno.of(e));
                }
            }
            boolean plain = regular && Integer.valueOf(1).equals(attrs.get("nlink"))
                    && (nofollow || !Files.isSymbolicLink(path));
            before = new Seen(attrs.get("dev"), attrs.get("ino"), attrs.get("lastModifiedTime"), attrs.get("ctime"),
                    attrs.get("size"), (Skipped) content, collected, plain);
        }
        if (!before.plain) {
            notPlain();
        }
        remember(path, before);
        if (before.verdict() != null) {
            return before.verdict();
        }
        Map<String, String> collected = before.collected();
        FileTime mtime = (FileTime) attrs.get("lastModifiedTime");
        int uid = (Integer) attrs.get("uid");
        int gid = (Integer) attrs.get("gid");
        String refusal = null;
        if (tyrant != null) {
            TyrantCheck.Owner owner = tyrant.owner(name, path, uid, gid);
            uid = owner.uid();
            gid = owner.gid();
            refusal = owner.refusal();
        }
        if (tyrant == null && before.made != null && before.made.cwd().equals(cwd)
                && before.made.monitor().equals(monitor)) {
            return before.made; // the same file as last time: the same record, nothing allocated
        }
        VassalSource made = new VassalSource(name, path.toAbsolutePath(), cwd, mtime.to(TimeUnit.NANOSECONDS), uid, gid,
                monitor, collected, refusal, null);
        before.made = made;
        return made;
    }

    /**
     * Null when the first {@value #SNIFF_BYTES} bytes look like a config, else a Skipped, a LookFailed (or
     * VANISHED). Read through {@link RegularFiles}: a FIFO or device swapped in after the stat
     * neither blocks this thread nor gets read.
     */
    private Object contentProblem(String name, Path path) {
        byte[] head;
        try {
            head = reader.head(path, SNIFF_BYTES, nofollow);
        } catch (NoSuchFileException e) {
            return VANISHED;
        } catch (RegularFiles.NotRegularFileException e) {
            return new Skipped(name, e.getReason());
        } catch (IOException e) {
            if (Errno.saysNothingAboutIt(e)) {
                return new LookFailed(name, "not readable now: " + e.getMessage(), Errno.of(e));
            }
            return new Skipped(name, "not readable: " + e.getMessage());
        } catch (RuntimeException e) {
            return new Skipped(name, "not readable: " + e.getMessage());
        }
        if (head.length == 0) {
            return new Skipped(name, "empty file");
        }
        for (int i = 0; i < head.length; i++) {
            if (head[i] == 0) {
                return new Skipped(name, "binary content (NUL byte at offset " + i + ")");
            }
        }
        return null;
    }

    private static String typeName(int type) {
        return RegularFiles.typeName(type);
    }
}
