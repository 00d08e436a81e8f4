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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The per-entry checks shared by the dir and glob monitors ({@code uwsgi_imperial_monitor_directory}):
 * valid name, then {@code stat} (or {@code lstat} with {@code emperor-nofollow}), regular files only.
 * Beyond uWSGI, entries that could only make a vassal fail (empty, binary, unreadable) are skipped
 * with a reason instead of being spawned into a throttle loop.
 */
final class EntryInspector {
    private static final int SNIFF_BYTES = 4096;
    /** Named, not "unix:*": that also resolves owner and group names (an NSS lookup per file and scan). */
    private static final String UNIX_ATTRS = "unix:mode,uid,gid,lastModifiedTime";
    /** Marker: the file went away between stat and open (the next scan will tell). */
    private static final Object VANISHED = new Object();

    private final VassalNames names;
    private final boolean nofollow;
    private final java.util.List<String> attributeKeys;
    private final TyrantCheck tyrant;

    /** @param tyrant the ownership rules of emperor-tyrant, null outside Tyrant mode */
    EntryInspector(VassalNames names, boolean nofollow, java.util.List<String> attributeKeys, TyrantCheck tyrant) {
        this.names = names;
        this.nofollow = nofollow;
        this.attributeKeys = java.util.List.copyOf(attributeKeys);
        this.tyrant = tyrant;
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
            if (!nofollow && Files.isSymbolicLink(path)) {
                return new Skipped(name, "dangling symlink");
            }
            return null; // vanished between readdir and stat: the next scan will tell
        } catch (IOException e) {
            if (Errno.saysNothingAboutIt(e)) {
                return new LookFailed(name, "cannot stat: " + e.getMessage(), Errno.of(e));
            }
            return new Skipped(name, "cannot stat: " + e.getMessage());
        } catch (SecurityException e) {
            return new Skipped(name, "cannot stat: " + e.getMessage());
        }
        int mode = (Integer) attrs.get("mode");
        int type = mode & 0170000;
        boolean regular = type == 0100000;
        boolean link = type == 0120000;
        if (!regular && !(nofollow && link)) {
            return new Skipped(name, "not a regular file (" + typeName(type) + ")");
        }
        if (regular) {
            Object content = contentProblem(name, path);
            if (content != null) {
                return content == VANISHED ? null : content;
            }
        }
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
        Map<String, String> collected;
        try {
            collected = Attributes.collect(path, name, attributeKeys);
        } catch (IOException e) {
            return new LookFailed(name, "cannot read attributes: " + e.getMessage(), Errno.of(e));
        }
        return new VassalSource(name, path.toAbsolutePath(), cwd, mtime.to(TimeUnit.NANOSECONDS), uid, gid, monitor,
                collected, refusal, null);
    }

    /**
     * Null when the first {@value #SNIFF_BYTES} bytes look like a config, else a Skipped, a LookFailed (or
     * VANISHED). Read through {@link RegularFiles}: a FIFO or device swapped in after the stat
     * neither blocks this thread nor gets read.
     */
    private Object contentProblem(String name, Path path) {
        byte[] head;
        try {
            head = RegularFiles.readHead(path, SNIFF_BYTES, nofollow);
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
