package dev.emperor.monitor;

import java.io.IOException;
import java.io.InputStream;
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

    private final VassalNames names;
    private final boolean nofollow;
    private final java.util.List<String> attributeKeys;
    private final TyrantCheck tyrant;

    EntryInspector(VassalNames names, boolean nofollow, java.util.List<String> attributeKeys) {
        this(names, nofollow, attributeKeys, null);
    }

    /** @param tyrant the ownership rules of emperor-tyrant, null outside Tyrant mode */
    EntryInspector(VassalNames names, boolean nofollow, java.util.List<String> attributeKeys, TyrantCheck tyrant) {
        this.names = names;
        this.nofollow = nofollow;
        this.attributeKeys = java.util.List.copyOf(attributeKeys);
        this.tyrant = tyrant;
    }

    /** Returns a VassalFile, a Skipped, or null when the name is simply not a vassal name. */
    Object inspect(String name, Path path, Path cwd, String monitor) {
        if (!names.hasVassalExtension(name)) {
            return null;
        }
        if (names.tooLong(name)) {
            return new Skipped(name, "invalid vassal name: longer than " + VassalNames.MAX_NAME + " bytes");
        }
        Map<String, Object> attrs;
        try {
            attrs = nofollow
                    ? Files.readAttributes(path, "unix:*", LinkOption.NOFOLLOW_LINKS)
                    : Files.readAttributes(path, "unix:*");
        } catch (NoSuchFileException e) {
            if (!nofollow && Files.isSymbolicLink(path)) {
                return new Skipped(name, "dangling symlink");
            }
            return null; // vanished between readdir and stat: the next scan will tell
        } catch (IOException | SecurityException e) {
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
            String content = contentProblem(path, (Long) attrs.get("size"));
            if (content != null) {
                return new Skipped(name, content);
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
        return new VassalFile(name, path.toAbsolutePath(), cwd, mtime.to(TimeUnit.NANOSECONDS), uid, gid, monitor,
                Attributes.collect(path, name, attributeKeys), refusal);
    }

    private static String contentProblem(Path path, long size) {
        if (size == 0) {
            return "empty file";
        }
        byte[] head = new byte[(int) Math.min(size, SNIFF_BYTES)];
        int n = 0;
        try (InputStream in = Files.newInputStream(path)) {
            while (n < head.length) {
                int r = in.read(head, n, head.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } catch (IOException e) {
            return "not readable: " + e.getMessage();
        }
        for (int i = 0; i < n; i++) {
            if (head[i] == 0) {
                return "binary content (NUL byte at offset " + i + ")";
            }
        }
        return null;
    }

    private static String typeName(int type) {
        switch (type) {
            case 0040000: return "directory";
            case 0010000: return "FIFO";
            case 0020000: return "character device";
            case 0060000: return "block device";
            case 0140000: return "socket";
            case 0120000: return "symlink";
            default: return "type " + Integer.toOctalString(type);
        }
    }
}
